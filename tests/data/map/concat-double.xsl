<?xml version="1.0"?>
<!-- A string that doubles at every call: 2^30 characters after 30 calls, far
     below the depth limit; only the memory budget stops it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/">
    <r><xsl:call-template name="double"><xsl:with-param name="s" select="'ab'"/></xsl:call-template></r>
  </xsl:template>
  <xsl:template name="double">
    <xsl:param name="s"/>
    <xsl:call-template name="double"><xsl:with-param name="s" select="concat($s, $s)"/></xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
