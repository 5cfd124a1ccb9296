<?xml version="1.0" encoding="UTF-8"?>
<!--
  dms-2.15-to-2.3: a UK CDS declaration (WCO DM customisation DEC-DMS:2) of
  schema version 2.15 to schema version 2.3.  Both versions use the same
  namespaces (urn:wco:datamodel:WCO:DEC-DMS:2 in a MetaData envelope of
  urn:wco:datamodel:WCO:DocumentMetaData-DMS:2) and the same data types; a
  declaration of one is mostly a declaration of the other.

  An example for users who maintain maps between their own customisations.
  The shape to copy:
    1. an identity template copies everything (elements, attributes,
       comments, namespace declarations) as it is;
    2. one template per difference between the versions overrides it: it
       moves an element to where the target version has it, or reports it
       with tdk:unmapped() when the target has no place for it;
    3. where an element is moved into a parent, that parent's children are
       written in the target schema's order (template "children"), with the
       comments before each element kept in front of it.
  Keep the list of differences in this comment in step with the templates.

  The differences, 2.15 to 2.3 (from the two versions' WCO_DEC_2_DMS.xsd):
    - Declaration/Consignment (header level) appeared after 2.3.  Its
      Freight and Itinerary are what 2.3 has as GoodsShipment/Consignment/
      Freight and GoodsShipment/Consignment/Itinerary: they are moved there
      (GoodsShipment/Consignment is made when absent).  Its Carrier, Consignor
      and ConsignmentItem have no place in 2.3: each is reported, and so are
      Freight and Itinerary of a declaration without GoodsShipment.
  Everything else of 2.15 is valid 2.3 as it is (2.3 allows more
  repetitions of Contact, Communication, Payer and Surety, and 2.15's
  mandatory FunctionCode and Packaging/SequenceNumeric are optional there).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:d="urn:wco:datamodel:WCO:DEC-DMS:2"
    xmlns:tdk="urn:tdk:xslt:1"
    exclude-result-prefixes="d tdk">

  <xsl:output method="xml" encoding="UTF-8"/>

  <!-- 1. The identity template: what no other template names is copied. -->
  <xsl:template match="@* | node()">
    <xsl:copy><xsl:apply-templates select="@* | node()"/></xsl:copy>
  </xsl:template>

  <!-- 2. The header-level Consignment is not copied: its Freight and
       Itinerary are written by the templates below, the rest is reported. -->
  <xsl:template match="d:Declaration/d:Consignment">
    <xsl:for-each select="*[not(self::d:Freight or self::d:Itinerary) or not(../../d:GoodsShipment)]">
      <xsl:call-template name="unmapped">
        <xsl:with-param name="reason">DEC-DMS 2.3 has no header-level Consignment and no place for its <xsl:value-of select="local-name()"/></xsl:with-param>
      </xsl:call-template>
    </xsl:for-each>
  </xsl:template>

  <!-- A GoodsShipment without a Consignment gets one when the header-level
       Consignment has something to move into it (2.3's order). -->
  <xsl:template match="d:Declaration[d:Consignment/d:Freight or d:Consignment/d:Itinerary]/d:GoodsShipment[not(d:Consignment)]">
    <xsl:variable name="names1" select="' ExitDateTime TransactionNatureCode AEOMutualRecognitionParty Buyer Consignee '"/>
    <xsl:variable name="names2" select="' Consignor CustomsValuation Destination DomesticDutyTaxParty ExportCountry GovernmentAgencyGoodsItem Importer Invoice Payer PreviousDocument Seller Surety TradeTerms UCR Warehouse '"/>
    <xsl:copy>
      <xsl:apply-templates select="@*"/>
      <xsl:call-template name="children">
        <xsl:with-param name="names" select="$names1"/>
      </xsl:call-template>
      <xsl:element name="Consignment" namespace="urn:wco:datamodel:WCO:DEC-DMS:2">
        <xsl:apply-templates select="../d:Consignment/d:Freight" mode="moved"/>
        <xsl:apply-templates select="../d:Consignment/d:Itinerary" mode="moved"/>
      </xsl:element>
      <xsl:call-template name="children">
        <xsl:with-param name="names" select="$names2"/>
        <xsl:with-param name="last" select="true()"/>
      </xsl:call-template>
    </xsl:copy>
    <xsl:call-template name="others">
      <xsl:with-param name="names" select="concat($names1, $names2)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- GoodsShipment/Consignment takes Freight and Itinerary at their 2.3 places. -->
  <xsl:template match="d:Declaration[d:Consignment/d:Freight or d:Consignment/d:Itinerary]/d:GoodsShipment/d:Consignment">
    <xsl:variable name="names1" select="' ContainerCode ArrivalTransportMeans DepartureTransportMeans '"/>
    <xsl:variable name="names2" select="' GoodsLocation '"/>
    <xsl:variable name="names3" select="' LoadingLocation TransportEquipment '"/>
    <xsl:copy>
      <xsl:apply-templates select="@*"/>
      <xsl:call-template name="children">
        <xsl:with-param name="names" select="$names1"/>
      </xsl:call-template>
      <xsl:apply-templates select="../../d:Consignment/d:Freight" mode="moved"/>
      <xsl:call-template name="children">
        <xsl:with-param name="names" select="$names2"/>
      </xsl:call-template>
      <xsl:apply-templates select="../../d:Consignment/d:Itinerary" mode="moved"/>
      <xsl:call-template name="children">
        <xsl:with-param name="names" select="$names3"/>
        <xsl:with-param name="last" select="true()"/>
      </xsl:call-template>
    </xsl:copy>
    <xsl:call-template name="others">
      <xsl:with-param name="names" select="concat($names1, $names2, $names3)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A moved element comes with the comments just before it (the HMRC
       samples name each element's UCC data element in a comment there). -->
  <xsl:template match="*" mode="moved">
    <xsl:variable name="id" select="generate-id()"/>
    <xsl:apply-templates select="preceding-sibling::comment()[generate-id(following-sibling::*[1]) = $id]"/>
    <xsl:apply-templates select="."/>
  </xsl:template>

  <!-- 3. The children of the current element whose element (or, for a
       comment or text, the next element) has one of names, a list with a
       blank before and after each name; with last, also what follows the
       last element. -->
  <xsl:template name="children">
    <xsl:param name="names"/>
    <xsl:param name="last" select="false()"/>
    <xsl:apply-templates select="node()[(self::* | following-sibling::*[1])[1][contains($names, concat(' ', local-name(), ' '))]
                                 or ($last and not(self::*) and not(following-sibling::*))]"/>
  </xsl:template>

  <!-- A child that none of the lists given to "children" names would be
       lost without a word: report it (only a document that is not valid
       against the source version has one). -->
  <xsl:template name="others">
    <xsl:param name="names"/>
    <xsl:for-each select="*[not(contains($names, concat(' ', local-name(), ' ')))]">
      <xsl:call-template name="unmapped">
        <xsl:with-param name="reason">not a child of <xsl:value-of select="local-name(..)"/> in the source version</xsl:with-param>
      </xsl:call-template>
    </xsl:for-each>
  </xsl:template>

  <!-- tdk:unmapped() reports the element with its line and XPath; under
       another XSLT processor a message names its path.
       (tdk map lets a stylesheet read no other file, so each map keeps
       its own copy of this template.) -->
  <xsl:template name="unmapped">
    <xsl:param name="reason"/>
    <xsl:choose>
      <xsl:when test="function-available('tdk:unmapped')">
        <xsl:value-of select="tdk:unmapped(., $reason)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message>
          <xsl:text>unmapped: </xsl:text>
          <xsl:for-each select="ancestor-or-self::*">
            <xsl:variable name="n" select="name()"/>
            <xsl:text>/</xsl:text><xsl:value-of select="local-name()"/>
            <xsl:if test="../*[name() = $n][2]">[<xsl:value-of select="count(preceding-sibling::*[name() = $n]) + 1"/>]</xsl:if>
          </xsl:for-each>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="$reason"/>
        </xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
