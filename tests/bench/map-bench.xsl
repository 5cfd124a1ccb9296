<?xml version="1.0" encoding="UTF-8"?>
<!-- The stylesheet of the map benchmark (tests/bench/map.sh): a WCO Data Model declaration
     (DEC-DMS:2) rewritten into a flat summary of its header, parties and goods items, with
     what a real map does (templates per class, keys, numbers and strings), and none of tdk's
     extension functions, so that xsltproc runs it too. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:d="urn:wco:datamodel:WCO:DEC-DMS:2" xmlns:ds="urn:wco:datamodel:WCO:Declaration_DS:DMS:2"
    xmlns="urn:tdk:bench:summary" exclude-result-prefixes="d ds">
  <xsl:output method="xml" indent="yes" encoding="UTF-8"/>
  <xsl:key name="doc-type" match="d:AdditionalDocument" use="d:CategoryCode"/>

  <xsl:template match="/">
    <summaries><xsl:apply-templates select="//d:Declaration"/></summaries>
  </xsl:template>

  <xsl:template match="d:Declaration">
    <summary lrn="{normalize-space(d:FunctionalReferenceID)}" type="{d:TypeCode}{d:AdditionalTypeCode}">
      <function><xsl:value-of select="d:FunctionCode"/></function>
      <office><xsl:value-of select="d:PresentationOffice/d:ID | d:DeclarationOfficeID"/></office>
      <xsl:apply-templates select="d:Declarant | d:Exporter | d:Agent | d:GoodsShipment/d:Importer | d:GoodsShipment/d:Consignee"/>
      <items count="{count(d:GoodsShipment/d:GovernmentAgencyGoodsItem)}"
             packages="{sum(d:GoodsShipment/d:GovernmentAgencyGoodsItem/d:Packaging/d:QuantityQuantity)}">
        <xsl:apply-templates select="d:GoodsShipment/d:GovernmentAgencyGoodsItem"/>
      </items>
      <documents kinds="{count(//d:AdditionalDocument[generate-id() = generate-id(key('doc-type', d:CategoryCode)[1])])}"/>
    </summary>
  </xsl:template>

  <xsl:template match="d:Declarant | d:Exporter | d:Agent | d:Importer | d:Consignee">
    <party role="{local-name()}" id="{d:ID}">
      <xsl:if test="d:Name"><xsl:attribute name="name"><xsl:value-of select="normalize-space(d:Name)"/></xsl:attribute></xsl:if>
      <xsl:apply-templates select="d:Address"/>
    </party>
  </xsl:template>

  <xsl:template match="d:Address">
    <address country="{translate(d:CountryCode, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}">
      <xsl:value-of select="normalize-space(concat(d:Line, ' ', d:PostcodeID, ' ', d:CityName))"/>
    </address>
  </xsl:template>

  <xsl:template match="d:GovernmentAgencyGoodsItem">
    <item seq="{d:SequenceNumeric}">
      <description><xsl:value-of select="normalize-space(d:Commodity/d:Description)"/></description>
      <xsl:for-each select="d:Commodity/d:Classification">
        <class type="{d:IdentificationTypeCode}"><xsl:value-of select="d:ID"/></class>
      </xsl:for-each>
      <mass gross="{d:Commodity/d:GoodsMeasure/d:GrossMassMeasure}" net="{d:Commodity/d:GoodsMeasure/d:NetNetWeightMeasure}"/>
      <procedure current="{d:GovernmentProcedure[1]/d:CurrentCode}" previous="{d:GovernmentProcedure[1]/d:PreviousCode}"/>
      <xsl:for-each select="d:AdditionalDocument">
        <xsl:sort select="d:CategoryCode"/>
        <document code="{d:CategoryCode}{d:TypeCode}" id="{d:ID}"/>
      </xsl:for-each>
    </item>
  </xsl:template>
</xsl:stylesheet>
