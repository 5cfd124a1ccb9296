<?xml version="1.0" encoding="UTF-8"?>
<!--
  For tests/t3200-cusdec-wco.sh: the values of a WCO DM declaration
  (DEC-DMS:2) that cusdec-to-wco and wco-to-cusdec carry both ways, one
  line per leaf: its path from Declaration, its attributes, its value.
  A round trip WCO -> CUSDEC -> WCO keeps these lines equal, in order.
  A mass measure without a unit is kilograms (the unit the CDS implies):
  its unit is written as KGM either way.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:w="urn:wco:datamodel:WCO:DEC-DMS:2">
  <xsl:output method="text"/>

  <xsl:variable name="D" select="(//w:Declaration)[1]"/>
  <xsl:variable name="G" select="$D/w:GoodsShipment"/>
  <xsl:variable name="I" select="$G/w:GovernmentAgencyGoodsItem"/>

  <xsl:template match="/">
    <xsl:apply-templates mode="leaf" select="
        $D/w:FunctionCode | $D/w:FunctionalReferenceID | $D/w:TypeCode | $D/w:GoodsItemQuantity
      | $D/w:TotalPackageQuantity | $D/w:InvoiceAmount | $D/w:DeclarationOfficeID
      | $D/w:Declarant//* | $D/w:Exporter//* | $D/w:Agent//* | $G/w:Importer//* | $G/w:Consignee//*
      | $D/w:AuthorisationHolder//* | $D/w:BorderTransportMeans//* | $G/w:Consignment/w:GoodsLocation//*
      | $G/w:Consignment/w:ContainerCode | $G/w:Consignment/w:ArrivalTransportMeans/* | $G/w:Consignment/w:DepartureTransportMeans/*
      | $G/w:Warehouse/* | $G/w:UCR/w:TraderAssignedReferenceID | $D/w:ExitOffice/* | $D/w:ID | $D/w:AcceptanceDateTime/* | $D/w:IssueDateTime/*
      | $G/w:TransactionNatureCode | $I/w:TransactionNatureCode | $I/w:CustomsValueAmount | $I/w:Commodity/w:InvoiceLine/*
      | $I/w:ValuationAdjustment/* | $I/w:Commodity/w:DutyTaxFee//*
      | $G/w:TradeTerms//* | $G/w:Destination//* | $G/w:ExportCountry//*
      | $D/w:AdditionalDocument/*[not(self::w:WriteOff)] | $G/w:PreviousDocument/*
      | $D/w:AdditionalInformation/*[not(self::w:Pointer)] | $G/w:CustomsValuation/w:FreightChargeAmount
      | $I/w:SequenceNumeric | $I/w:Commodity/w:Description | $I/w:Commodity/w:Classification/*
      | $I/w:Commodity/w:GoodsMeasure/w:GrossMassMeasure | $I/w:Commodity/w:GoodsMeasure/w:NetNetWeightMeasure
      | $I/w:Origin/* | $I/w:GovernmentProcedure/* | $I/w:Packaging/w:SequenceNumeric | $I/w:Packaging/w:MarksNumbersID
      | $I/w:Packaging/w:QuantityQuantity | $I/w:Packaging/w:TypeCode | $I/w:PreviousDocument/*
      | $I/w:AdditionalDocument/*[not(self::w:WriteOff)] | $I/w:AdditionalInformation/*
      | $I/w:CustomsValuation/w:MethodCode | $I/w:StatisticalValueAmount
      | $I/w:Destination/* | $I/w:ExportCountry/* | $I/w:Consignee//*"/>
  </xsl:template>

  <xsl:template match="*" mode="leaf">
    <xsl:if test="not(*)">
      <xsl:for-each select="ancestor-or-self::*[ancestor::w:Declaration]">
        <xsl:value-of select="concat('/', local-name())"/>
        <xsl:if test="self::w:GovernmentAgencyGoodsItem">[<xsl:value-of select="w:SequenceNumeric"/>]</xsl:if>
      </xsl:for-each>
      <xsl:for-each select="@*">
        <xsl:sort select="name()"/>
        <xsl:value-of select="concat(' @', name(), '=', .)"/>
      </xsl:for-each>
      <xsl:if test="(self::w:GrossMassMeasure or self::w:NetNetWeightMeasure) and not(@unitCode)"> @unitCode=KGM</xsl:if>
      <xsl:value-of select="concat(' = ', ., '&#10;')"/>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
