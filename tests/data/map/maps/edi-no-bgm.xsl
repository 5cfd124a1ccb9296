<?xml version="1.0" encoding="UTF-8"?>
<!-- A test map: a CUSDEC copied without its BGM segment, which D.96B requires. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:e="urn:tdk:edifact:directory:1">
  <xsl:template match="@*|node()">
    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
  </xsl:template>
  <xsl:template match="e:BGM"/>
  <xsl:template match="e:UNT/e:D0074"><xsl:copy><xsl:value-of select=". - 1"/></xsl:copy></xsl:template>
</xsl:stylesheet>
