<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/">
    <xsl:message>first note</xsl:message>
    <xsl:message terminate="yes">cannot go on</xsl:message>
    <out/>
  </xsl:template>
</xsl:stylesheet>
