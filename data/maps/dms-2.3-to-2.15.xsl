<?xml version="1.0" encoding="UTF-8"?>
<!--
  dms-2.3-to-2.15: a UK CDS declaration (WCO DM customisation DEC-DMS:2) of
  schema version 2.3 to schema version 2.15, the inverse of dms-2.15-to-2.3.
  Same namespaces and data types in both versions.

  An example for users who maintain maps between their own customisations;
  the shape is dms-2.15-to-2.3's: an identity template, one template per
  difference, the target schema's order where an element is moved into a
  parent.  Keep the list below in step with the templates.

  The differences, 2.3 to 2.15 (from the two versions' WCO_DEC_2_DMS.xsd):
    - GoodsShipment/Consignment/Freight and GoodsShipment/Consignment/
      Itinerary moved to the header-level Declaration/Consignment, which
      2.15 introduced: they are moved there, with the comments before them.
    - GovernmentAgencyGoodsItem/Manufacturer and GovernmentAgencyGoodsItem/
      RefundRecipientParty were dropped, and so were Commodity/
      Classification/NameCode and BindingTariffReferenceID: each is reported.
    - A party's Contact and Communication, and GoodsShipment's Payer and
      Surety, may occur once (2.3: any number of times): the second and
      later ones are reported.  So are goods items after the 999th.
    - Packaging/SequenceNumeric became mandatory: a Packaging without one
      gets its position among the item's Packaging (1, 2 ...), the number
      2.15 asks for.
    - FunctionCode became mandatory: a declaration without one stays
      without (no value to take it from) and fails the 2.15 schema.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:d="urn:wco:datamodel:WCO:DEC-DMS:2"
    xmlns:tdk="urn:tdk:xslt:1"
    exclude-result-prefixes="d tdk">

  <xsl:output method="xml" encoding="UTF-8"/>

  <!-- The identity template: what no other template names is copied. -->
  <xsl:template match="@* | node()">
    <xsl:copy><xsl:apply-templates select="@* | node()"/></xsl:copy>
  </xsl:template>

  <!-- The declaration gets a header-level Consignment, at its 2.15 place,
       when GoodsShipment/Consignment has something that moved there. -->
  <xsl:template match="d:Declaration[d:GoodsShipment/d:Consignment/d:Freight or d:GoodsShipment/d:Consignment/d:Itinerary]">
    <xsl:variable name="from" select="d:GoodsShipment/d:Consignment"/>
    <xsl:variable name="names1" select="' AcceptanceDateTime FunctionCode FunctionalReferenceID ID IssueDateTime IssueLocationID TypeCode GoodsItemQuantity DeclarationOfficeID InvoiceAmount LoadingListQuantity TotalGrossMassMeasure TotalPackageQuantity SpecificCircumstancesCodeCode Authentication Submitter AdditionalDocument AdditionalInformation Agent Amendment AuthorisationHolder BorderTransportMeans '"/>
    <xsl:variable name="names2" select="' CurrencyExchange Declarant ExitOffice Exporter GoodsShipment ObligationGuarantee PresentationOffice SupervisingOffice '"/>
    <xsl:copy>
      <xsl:apply-templates select="@*"/>
      <xsl:call-template name="children">
        <xsl:with-param name="names" select="$names1"/>
      </xsl:call-template>
      <xsl:element name="Consignment" namespace="urn:wco:datamodel:WCO:DEC-DMS:2">
        <xsl:apply-templates select="$from/d:Freight" mode="moved"/>
        <xsl:apply-templates select="$from/d:Itinerary" mode="moved"/>
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

  <!-- Moved: not copied where they were, nor the comments just before them. -->
  <xsl:template match="d:GoodsShipment/d:Consignment/d:Freight | d:GoodsShipment/d:Consignment/d:Itinerary"/>
  <xsl:template match="d:GoodsShipment/d:Consignment/comment()[following-sibling::*[1][self::d:Freight or self::d:Itinerary]]"/>

  <xsl:template match="*" mode="moved">
    <xsl:variable name="id" select="generate-id()"/>
    <xsl:copy-of select="preceding-sibling::comment()[generate-id(following-sibling::*[1]) = $id]"/>
    <xsl:copy>
      <xsl:apply-templates select="@* | node()"/>
    </xsl:copy>
  </xsl:template>

  <!-- Dropped in 2.15. -->
  <xsl:template match="d:GovernmentAgencyGoodsItem/d:Manufacturer | d:GovernmentAgencyGoodsItem/d:RefundRecipientParty
                       | d:Commodity/d:Classification/d:NameCode | d:Commodity/d:Classification/d:BindingTariffReferenceID">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason">DEC-DMS 2.15 has no <xsl:value-of select="local-name(..)"/>/<xsl:value-of select="local-name()"/></xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Once in 2.15. -->
  <xsl:template match="d:Contact[preceding-sibling::d:Contact] | d:Communication[preceding-sibling::d:Communication]
                       | d:GoodsShipment/d:Payer[preceding-sibling::d:Payer] | d:GoodsShipment/d:Surety[preceding-sibling::d:Surety]">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason">DEC-DMS 2.15 allows one <xsl:value-of select="local-name()"/> here</xsl:with-param>
    </xsl:call-template>
  </xsl:template>
  <xsl:template match="d:GovernmentAgencyGoodsItem[count(preceding-sibling::d:GovernmentAgencyGoodsItem) &gt;= 999]">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason">DEC-DMS 2.15 allows 999 goods items</xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Mandatory in 2.15: the Packaging's position. -->
  <xsl:template match="d:GovernmentAgencyGoodsItem/d:Packaging[not(d:SequenceNumeric)]">
    <xsl:copy>
      <xsl:apply-templates select="@*"/>
      <xsl:element name="SequenceNumeric" namespace="urn:wco:datamodel:WCO:DEC-DMS:2">
        <xsl:value-of select="count(preceding-sibling::d:Packaging) + 1"/>
      </xsl:element>
      <xsl:apply-templates select="node()"/>
    </xsl:copy>
  </xsl:template>

  <!-- The children of the current element whose element (or, for a
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
