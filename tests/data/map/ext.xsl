<?xml version="1.0" encoding="UTF-8"?>
<!-- tdk's extension functions on fixed values, one a line, and tdk:unmapped on the input. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:tdk="urn:tdk:xslt:1">
  <xsl:output method="text"/>
  <xsl:template match="/">
    <xsl:value-of select="concat('country ', tdk:code('country', 'deu'), '|', tdk:code('country', '276'), '|', tdk:code('country', 'XX'), '&#10;')"/>
    <xsl:value-of select="concat('currency ', tdk:code('currency', ' eur '), '|', tdk:code('currency', '978'), '&#10;')"/>
    <xsl:value-of select="concat('unit ', tdk:code('unit', 'kgm'), '|package ', tdk:code('package', 'ct'), '&#10;')"/>
    <xsl:value-of select="concat('date ', tdk:date('2025-03-12T10:15:00Z', '304'), '|', tdk:date('20250312', '102'), '|', tdk:date('2025-02-30', '102'), '&#10;')"/>
    <xsl:value-of select="concat('number ', tdk:number('1.250,00'), '|', tdk:number('+7'), '|', tdk:number('1,250'), '&#10;')"/>
    <xsl:value-of select="concat('uncl ', tdk:uncl('D96B', '1001', '830'), '|', tdk:uncl('D96B', '1001', 'nope'), '|', tdk:uncl('D99Z', '1001', '830'), '&#10;')"/>
    <xsl:value-of select="tdk:unmapped(//*[local-name()='TotalPackageQuantity'] | //@currencyID, 'not summed up')"/>
  </xsl:template>
</xsl:stylesheet>
