<?xml version="1.0" encoding="UTF-8"?>
<!-- A user stylesheet: the declaration's LRN, type and goods items, as a small XML summary. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:tdk="urn:tdk:xslt:1" exclude-result-prefixes="tdk">
  <xsl:output method="xml" indent="yes" encoding="UTF-8"/>
  <xsl:param name="office" select="'unknown'"/>
  <xsl:template match="/">
    <summary office="{$office}">
      <lrn><xsl:value-of select="normalize-space(//*[local-name()='FunctionalReferenceID'][1])"/></lrn>
      <items><xsl:value-of select="count(//*[local-name()='GovernmentAgencyGoodsItem'])"/></items>
      <country><xsl:value-of select="tdk:code('country', ' de ')"/></country>
      <currency><xsl:value-of select="tdk:code('currency', 'eur')"/></currency>
      <date><xsl:value-of select="tdk:date('2024-11-05T09:30:00+01:00', '304')"/></date>
      <number><xsl:value-of select="tdk:number(' 1.234,50 ')"/></number>
    </summary>
  </xsl:template>
</xsl:stylesheet>
