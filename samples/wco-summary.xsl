<?xml version="1.0" encoding="UTF-8"?>
<!-- A stylesheet of one's own for tdk map: a WCO Data Model declaration
     (DEC-DMS:2) summed up as text, one line per goods item, with tdk's
     extension functions bringing codes, dates and numbers to their
     harmonised forms.  Run: tdk map samples/wco-summary.xsl FILE.xml -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:d="urn:wco:datamodel:WCO:DEC-DMS:2" xmlns:ds="urn:wco:datamodel:WCO:Declaration_DS:DMS:2"
    xmlns:tdk="urn:tdk:xslt:1" exclude-result-prefixes="d ds tdk">
  <xsl:output method="text" encoding="UTF-8"/>
  <!-- The currency assumed where an amount names none (tdk map param currency=EUR). -->
  <xsl:param name="currency" select="'GBP'"/>

  <xsl:template match="/">
    <xsl:apply-templates select="//d:Declaration"/>
  </xsl:template>

  <xsl:template match="d:Declaration">
    <xsl:text>declaration </xsl:text>
    <xsl:value-of select="normalize-space(d:FunctionalReferenceID)"/>
    <xsl:text> type </xsl:text>
    <xsl:value-of select="d:TypeCode"/>
    <xsl:text> issued </xsl:text>
    <xsl:value-of select="tdk:date(d:IssueDateTime/ds:DateTimeString, '102')"/>
    <xsl:text>&#10;invoice </xsl:text>
    <xsl:value-of select="tdk:number(d:InvoiceAmount)"/>
    <xsl:text> </xsl:text>
    <xsl:call-template name="currency">
      <xsl:with-param name="code" select="d:InvoiceAmount/@currencyID"/>
    </xsl:call-template>
    <xsl:text>&#10;</xsl:text>
    <xsl:apply-templates select="d:GoodsShipment/d:GovernmentAgencyGoodsItem"/>
  </xsl:template>

  <xsl:template match="d:GovernmentAgencyGoodsItem">
    <xsl:text>item </xsl:text>
    <xsl:value-of select="d:SequenceNumeric"/>
    <xsl:text>: </xsl:text>
    <xsl:value-of select="normalize-space(d:Commodity/d:Description)"/>
    <xsl:for-each select="d:Origin/d:CountryCode">
      <xsl:text>, origin </xsl:text>
      <xsl:value-of select="tdk:code('country', .)"/>
    </xsl:for-each>
    <xsl:for-each select="d:Packaging/d:TypeCode">
      <xsl:text>, packed in </xsl:text>
      <xsl:value-of select="tdk:code('package', .)"/>
    </xsl:for-each>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!-- An amount's currency, as ISO 4217 writes it, or the parameter's. -->
  <xsl:template name="currency">
    <xsl:param name="code"/>
    <xsl:choose>
      <xsl:when test="string($code) != ''"><xsl:value-of select="tdk:code('currency', $code)"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$currency"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
