<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><out><xsl:call-template name="again"/></out></xsl:template>
  <xsl:template name="again">
    <xsl:param name="n" select="0"/>
    <xsl:call-template name="again"><xsl:with-param name="n" select="$n + 1"/></xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
