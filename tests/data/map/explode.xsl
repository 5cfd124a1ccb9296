<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:exsl="http://exslt.org/common">
  <xsl:template match="/"><out><xsl:call-template name="double"/></out></xsl:template>
  <xsl:template name="double">
    <xsl:param name="t"><a/></xsl:param>
    <xsl:param name="n" select="0"/>
    <xsl:choose>
      <xsl:when test="$n &lt; 60">
        <xsl:call-template name="double">
          <xsl:with-param name="t"><xsl:copy-of select="$t"/><xsl:copy-of select="$t"/></xsl:with-param>
          <xsl:with-param name="n" select="$n + 1"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:copy-of select="$t"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
