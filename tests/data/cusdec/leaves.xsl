<?xml version="1.0" encoding="UTF-8"?>
<!--
  For tests/t3201-cusdec-wco-maps.sh: every value of a WCO DM declaration,
  one line each: the path of local names from the root, a tab, the value
  (an element without element children, or an attribute as /@name).
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:template match="/">
    <xsl:for-each select="//*[not(*)] | //@*">
      <xsl:for-each select="ancestor-or-self::*">
        <xsl:value-of select="concat('/', local-name())"/>
      </xsl:for-each>
      <xsl:if test="not(self::*)">/@<xsl:value-of select="local-name()"/></xsl:if>
      <xsl:value-of select="concat('&#9;', normalize-space(.), '&#10;')"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
