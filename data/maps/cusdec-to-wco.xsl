<?xml version="1.0" encoding="UTF-8"?>
<!--
  cusdec-to-wco: a UN/EDIFACT CUSDEC message (D.96B or D.16A), as tdk's
  EDIFACT XML in directory naming (urn:tdk:edifact:directory:1), to a WCO
  Data Model declaration in the UK CDS shape: the DEC-DMS:2 Declaration
  in its MetaData envelope (DocumentMetaData-DMS:2), elements in the order
  of the v2.15 schema.

  The segments are found by their tags and qualifiers (UNTDID code lists,
  named where they are read), not by their segment group numbers, which
  differ between D.96B and D.16A (the goods items are SG30 in D.96B and
  SG32 in D.16A; D.16A's GEI replaced GIS).  wco-to-cusdec writes the same
  segments; the conventions it documents (codes of CDS lists in composites
  whose agency 3055 is '109', text split over repetitions) are read back
  here.

  Every segment this map does not read is reported through tdk:unmapped()
  (the "check" mode below), with its position; nothing is dropped silently.
  Without tdk's extension functions (xsltproc) the reports are
  xsl:message lines when $trace = 'yes'.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:e="urn:tdk:edifact:directory:1"
    xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
    xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"
    xmlns:ds="urn:wco:datamodel:WCO:Declaration_DS:DMS:2"
    xmlns:tdk="urn:tdk:xslt:1"
    exclude-result-prefixes="e tdk">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <!-- MetaData envelope values (DocumentMetaData-DMS:2). -->
  <xsl:param name="model-version" select="'3.6'"/>
  <xsl:param name="country" select="'GB'"/>
  <xsl:param name="agency-name" select="'HMRC'"/>
  <xsl:param name="customization-version" select="'v2.1'"/>
  <!-- 'yes': report unread segments with xsl:message when tdk:unmapped is not available. -->
  <xsl:param name="trace" select="'no'"/>

  <xsl:variable name="M" select="(//e:message)[1]"/>
  <!-- The goods item groups (D.96B SG30, D.16A SG32): the groups that begin with CST. -->
  <xsl:variable name="items" select="$M/*[e:CST]"/>
  <!-- UNCL 6313 for the goods item's gross mass: 'AAE' item gross weight up
       to D.01B; later releases (D.16A) name it 'AAB' goods item gross
       weight, where D.96B's 'AAB' is the unit gross weight. -->
  <xsl:variable name="year" select="number(substring($M/@release, 2, 2))"/>
  <xsl:variable name="gross-code">
    <xsl:choose>
      <xsl:when test="$year &gt;= 10 and $year &lt; 90">AAB</xsl:when>
      <xsl:otherwise>AAE</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <!-- The other groups directly in the message: the header's and the summary's. -->
  <xsl:variable name="H" select="$M/*[starts-with(local-name(), 'SG')][not(e:CST)]"/>
  <xsl:variable name="parties" select="$H/e:NAD"/>
  <xsl:variable name="hdocs" select="$H/e:DOC"/>

  <xsl:template match="/">
    <xsl:if test="not($M[@type = 'CUSDEC'])">
      <xsl:message terminate="yes">no CUSDEC message in the input</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="//e:message" mode="check"/>
    <md:MetaData>
      <md:WCODataModelVersionCode><xsl:value-of select="$model-version"/></md:WCODataModelVersionCode>
      <md:WCOTypeName>DEC</md:WCOTypeName>
      <md:ResponsibleCountryCode><xsl:value-of select="$country"/></md:ResponsibleCountryCode>
      <md:ResponsibleAgencyName><xsl:value-of select="$agency-name"/></md:ResponsibleAgencyName>
      <md:AgencyAssignedCustomizationVersionCode><xsl:value-of select="$customization-version"/></md:AgencyAssignedCustomizationVersionCode>
      <xsl:apply-templates select="$M"/>
    </md:MetaData>
  </xsl:template>

  <!-- ===== Declaration ===== -->
  <xsl:template match="e:message">
    <xsl:variable name="bgm" select="e:BGM"/>
    <Declaration>
      <!-- DTM 2005 (UNCL 2005) '148' acceptance date of goods declaration, '137' document/message date/time. -->
      <xsl:for-each select="e:DTM[e:C507/e:D2005 = '148'][1]">
        <AcceptanceDateTime><xsl:call-template name="datetime"/></AcceptanceDateTime>
      </xsl:for-each>
      <!-- BGM 1225 message function (UNCL 1225), the list FunctionCode uses. -->
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'FunctionCode'"/><xsl:with-param name="v" select="$bgm/e:D1225"/></xsl:call-template>
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'FunctionalReferenceID'"/><xsl:with-param name="v" select="$bgm/e:C106/e:D1004"/></xsl:call-template>
      <!-- SG1 RFF 1153 'ABT' customs declaration number (UNCL 1153). -->
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="($H/e:RFF[e:C506/e:D1153 = 'ABT'])[1]/e:C506/e:D1154"/></xsl:call-template>
      <xsl:for-each select="e:DTM[e:C507/e:D2005 = '137'][1]">
        <IssueDateTime><xsl:call-template name="datetime"/></IssueDateTime>
      </xsl:for-each>
      <!-- BGM C002/1000 the CDS declaration type; without it, DE 1/1 from
           1001 (UNCL 1001 '929' goods declaration for importation: IM, '830'
           goods declaration for exportation: EX). -->
      <xsl:choose>
        <xsl:when test="normalize-space($bgm/e:C002/e:D1000) != ''">
          <TypeCode><xsl:value-of select="$bgm/e:C002/e:D1000"/></TypeCode>
        </xsl:when>
        <xsl:when test="$bgm/e:C002/e:D1001 = '929'"><TypeCode>IM</TypeCode></xsl:when>
        <xsl:when test="$bgm/e:C002/e:D1001 = '830'"><TypeCode>EX</TypeCode></xsl:when>
      </xsl:choose>
      <!-- CNT 6069 (UNCL 6069) '5' number of Customs item detail lines. -->
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'GoodsItemQuantity'"/><xsl:with-param name="v" select="e:CNT[e:C270/e:D6069 = '5'][1]/e:C270/e:D6066"/></xsl:call-template>
      <!-- LOC 3227 (UNCL 3227) '22' customs office of clearance. -->
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'DeclarationOfficeID'"/><xsl:with-param name="v" select="e:LOC[e:D3227 = '22'][1]/e:C517/e:D3225"/></xsl:call-template>
      <!-- SG8 MOA 5025 (UNCL 5025) '39' invoice total amount. -->
      <xsl:for-each select="($H/e:MOA[e:C516/e:D5025 = '39'])[1]">
        <xsl:call-template name="amount"><xsl:with-param name="name" select="'InvoiceAmount'"/></xsl:call-template>
      </xsl:for-each>
      <!-- CNT '11' total number of packages. -->
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TotalPackageQuantity'"/><xsl:with-param name="v" select="e:CNT[e:C270/e:D6069 = '11'][1]/e:C270/e:D6066"/></xsl:call-template>
      <xsl:for-each select="$hdocs[not(e:C002/e:D1000 = 'PREVIOUS')]">
        <AdditionalDocument>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CategoryCode'"/><xsl:with-param name="v" select="e:C002/e:D1131"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C503/e:D1004"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:C002/e:D1001"/></xsl:call-template>
        </AdditionalDocument>
      </xsl:for-each>
      <xsl:apply-templates select="e:FTX[e:D4451 = 'ACB']" mode="statement"/>
      <!-- SG6 NAD 3035 (UNCL 3035): 'AE' declarant's agent/representative. -->
      <xsl:for-each select="$parties[e:D3035 = 'AE'][1]">
        <Agent><xsl:call-template name="party"><xsl:with-param name="code" select="../e:RFF[e:C506/e:D1153 = 'ZZZ']/e:C506/e:D1154"/><xsl:with-param name="code-name" select="'FunctionCode'"/></xsl:call-template></Agent>
      </xsl:for-each>
      <!-- 'ZZZ' mutually defined: the holder of an authorisation, its type in RFF 'ZZZ'. -->
      <xsl:for-each select="$parties[e:D3035 = 'ZZZ']">
        <AuthorisationHolder>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C082/e:D3039"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CategoryCode'"/><xsl:with-param name="v" select="../e:RFF[e:C506/e:D1153 = 'ZZZ'][1]/e:C506/e:D1154"/></xsl:call-template>
        </AuthorisationHolder>
      </xsl:for-each>
      <!-- SG4 TDT 8051 (UNCL 8051) '11' at border. -->
      <xsl:for-each select="($H/e:TDT[e:D8051 = '11'])[1]">
        <BorderTransportMeans>
          <xsl:variable name="c222" select="e:C222"/>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="($c222/e:D8212[. != ''] | $c222/e:D8213[. != ''])[last()]"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'IdentificationTypeCode'"/><xsl:with-param name="v" select="$c222/e:D1131"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'RegistrationNationalityCode'"/><xsl:with-param name="v" select="$c222/e:D8453"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ModeCode'"/><xsl:with-param name="v" select="e:C220/e:D8067"/></xsl:call-template>
        </BorderTransportMeans>
      </xsl:for-each>
      <!-- 'DT' declarant. -->
      <xsl:for-each select="$parties[e:D3035 = 'DT'][1]">
        <Declarant><xsl:call-template name="party"/></Declarant>
      </xsl:for-each>
      <!-- LOC '42' customs office of exit. -->
      <xsl:for-each select="e:LOC[e:D3227 = '42'][1]">
        <ExitOffice><xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C517/e:D3225"/></xsl:call-template></ExitOffice>
      </xsl:for-each>
      <!-- 'EX' exporter. -->
      <xsl:for-each select="$parties[e:D3035 = 'EX'][1]">
        <Exporter><xsl:call-template name="party"/></Exporter>
      </xsl:for-each>
      <xsl:call-template name="goods-shipment"/>
    </Declaration>
  </xsl:template>

  <xsl:template name="goods-shipment">
    <xsl:variable name="tnc" select="e:GIS[e:C529/e:D1131 = 'TNC'] | e:GEI[e:C012/e:D1131 = 'TNC']"/>
    <xsl:variable name="gl" select="e:LOC[e:D3227 = '14']"/>
    <xsl:variable name="ctr" select="e:GIS[e:C529/e:D1131 = 'CTR'] | e:GEI[e:C012/e:D1131 = 'CTR']"/>
    <xsl:variable name="tdt" select="$H/e:TDT[e:D8051 = '12' or e:D8051 = '13']"/>
    <xsl:variable name="freight" select="$H/e:MOA[e:C516/e:D5025 = '64']"/>
    <xsl:if test="$items or $tnc or $gl or $ctr or $tdt or e:LOC[e:D3227 = '18'] or $H/e:RFF[e:C506/e:D1153 = 'UCN'] or $freight or e:LOC[e:D3227 = '28' or e:D3227 = '35']
                  or $parties[e:D3035 = 'IM' or e:D3035 = 'CN'] or $hdocs[e:C002/e:D1000 = 'PREVIOUS'] or $H/e:TOD">
      <GoodsShipment>
        <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TransactionNatureCode'"/><xsl:with-param name="v" select="($tnc/*/e:D7365)[1]"/></xsl:call-template>
        <!-- 'CN' consignee. -->
        <xsl:for-each select="$parties[e:D3035 = 'CN'][1]">
          <Consignee><xsl:call-template name="party"/></Consignee>
        </xsl:for-each>
        <!-- GIS 'CTR' container indicator; TDT 8051 (UNCL 8051) '13' at
             destination: arrival, '12' at departure; LOC '14' location of
             goods. -->
        <xsl:if test="$gl or $ctr or $tdt">
          <Consignment>
            <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ContainerCode'"/><xsl:with-param name="v" select="($ctr/*/e:D7365)[1]"/></xsl:call-template>
            <xsl:for-each select="$tdt[e:D8051 = '13'][1]">
              <ArrivalTransportMeans><xsl:call-template name="means"/></ArrivalTransportMeans>
            </xsl:for-each>
            <xsl:for-each select="$tdt[e:D8051 = '12'][1]">
              <DepartureTransportMeans><xsl:call-template name="means"/></DepartureTransportMeans>
            </xsl:for-each>
            <xsl:for-each select="$gl[1]">
              <GoodsLocation>
                <xsl:call-template name="leaf"><xsl:with-param name="name" select="'Name'"/><xsl:with-param name="v" select="e:C517/e:D3224"/></xsl:call-template>
                <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C517/e:D3225"/></xsl:call-template>
                <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:C517/e:D1131"/></xsl:call-template>
                <xsl:if test="normalize-space(e:C519) != ''">
                  <Address>
                    <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:C519/e:D1131"/></xsl:call-template>
                    <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CountryCode'"/><xsl:with-param name="v" select="e:C519/e:D3223"/></xsl:call-template>
                  </Address>
                </xsl:if>
              </GoodsLocation>
            </xsl:for-each>
          </Consignment>
        </xsl:if>
        <!-- SG8 MOA '64' freight charge. -->
        <xsl:if test="$freight">
          <CustomsValuation>
            <xsl:for-each select="$freight[1]"><xsl:call-template name="amount"><xsl:with-param name="name" select="'FreightChargeAmount'"/></xsl:call-template></xsl:for-each>
          </CustomsValuation>
        </xsl:if>
        <xsl:call-template name="countries"/>
        <xsl:apply-templates select="$items"/>
        <!-- 'IM' importer. -->
        <xsl:for-each select="$parties[e:D3035 = 'IM'][1]">
          <Importer><xsl:call-template name="party"/></Importer>
        </xsl:for-each>
        <xsl:for-each select="$hdocs[e:C002/e:D1000 = 'PREVIOUS']">
          <xsl:call-template name="previous-document"/>
        </xsl:for-each>
        <!-- SG7 TOD: C100/4053 the Incoterms code; LOC 3227 '1' place of terms of delivery. -->
        <xsl:for-each select="($H/e:TOD)[1]">
          <xsl:variable name="loc" select="../e:LOC[e:D3227 = '1'][1]"/>
          <TradeTerms>
            <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ConditionCode'"/><xsl:with-param name="v" select="e:C100/e:D4053"/></xsl:call-template>
            <xsl:call-template name="leaf"><xsl:with-param name="name" select="'Description'"/><xsl:with-param name="v" select="e:C100/e:D4052"/><xsl:with-param name="all" select="true()"/></xsl:call-template>
            <xsl:call-template name="leaf"><xsl:with-param name="name" select="'LocationID'"/><xsl:with-param name="v" select="$loc/e:C517/e:D3225"/></xsl:call-template>
            <xsl:call-template name="leaf"><xsl:with-param name="name" select="'LocationName'"/><xsl:with-param name="v" select="$loc/e:C517/e:D3224"/></xsl:call-template>
          </TradeTerms>
        </xsl:for-each>
        <!-- RFF 1153 'UCN' unique consignment reference number (UNCL 1153). -->
        <xsl:for-each select="($H/e:RFF[e:C506/e:D1153 = 'UCN'])[1]">
          <UCR><TraderAssignedReferenceID><xsl:value-of select="e:C506/e:D1154"/></TraderAssignedReferenceID></UCR>
        </xsl:for-each>
        <!-- LOC '18' warehouse: C517 3225 ID, 1131 the CDS warehouse type. -->
        <xsl:for-each select="e:LOC[e:D3227 = '18'][1]">
          <Warehouse>
            <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C517/e:D3225"/></xsl:call-template>
            <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:C517/e:D1131"/></xsl:call-template>
          </Warehouse>
        </xsl:for-each>
      </GoodsShipment>
    </xsl:if>
  </xsl:template>

  <!-- LOC '28' country of destination of goods, '35' country of exportation/despatch (context: the message or an item group). -->
  <xsl:template name="countries">
    <xsl:for-each select="e:LOC[e:D3227 = '28'][1]">
      <Destination><xsl:call-template name="leaf"><xsl:with-param name="name" select="'CountryCode'"/><xsl:with-param name="v" select="e:C517/e:D3225"/></xsl:call-template></Destination>
    </xsl:for-each>
    <xsl:for-each select="e:LOC[e:D3227 = '35'][1]">
      <ExportCountry><xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C517/e:D3225"/></xsl:call-template></ExportCountry>
    </xsl:for-each>
  </xsl:template>

  <!-- ===== A goods item: the group that begins with CST ===== -->
  <xsl:template match="*[e:CST]">
    <xsl:variable name="moa" select="*/e:MOA"/>
    <xsl:variable name="gis" select="*/e:GIS/e:C529 | */e:GEI/e:C012"/>
    <GovernmentAgencyGoodsItem>
      <!-- SG33 MOA (UNCL 5025) '40' customs value, '123' statistical value, '38' invoice item amount. -->
      <xsl:for-each select="$moa[e:C516/e:D5025 = '40'][1]">
        <xsl:call-template name="amount"><xsl:with-param name="name" select="'CustomsValueAmount'"/></xsl:call-template>
      </xsl:for-each>
      <SequenceNumeric>
        <xsl:choose>
          <xsl:when test="normalize-space(e:CST/e:D1496) != ''"><xsl:value-of select="normalize-space(e:CST/e:D1496)"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="count(preceding-sibling::*[e:CST]) + 1"/></xsl:otherwise>
        </xsl:choose>
      </SequenceNumeric>
      <xsl:for-each select="$moa[e:C516/e:D5025 = '123'][1]">
        <xsl:call-template name="amount"><xsl:with-param name="name" select="'StatisticalValueAmount'"/></xsl:call-template>
      </xsl:for-each>
      <!-- GIS C529 (D.16A: GEI C012) codes of agency 109's lists, 1131
           naming the list; the second code in C529/7187 (D.16A: C012/7364,
           since D.16A's 7187 is a UNCL-coded element outside C012). -->
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TransactionNatureCode'"/><xsl:with-param name="v" select="$gis[e:D1131 = 'TNC'][1]/e:D7365"/></xsl:call-template>
      <xsl:for-each select="*/e:DOC[not(e:C002/e:D1000 = 'PREVIOUS')]">
        <AdditionalDocument>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CategoryCode'"/><xsl:with-param name="v" select="e:C002/e:D1131"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C503/e:D1004"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'Name'"/><xsl:with-param name="v" select="e:C002/e:D1000"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:C002/e:D1001"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'LPCOExemptionCode'"/><xsl:with-param name="v" select="e:C503/e:D1366"/></xsl:call-template>
        </AdditionalDocument>
      </xsl:for-each>
      <xsl:apply-templates select="e:FTX[e:D4451 = 'ACB']" mode="statement"/>
      <xsl:call-template name="commodity"/>
      <xsl:for-each select="e:NAD[e:D3035 = 'CN'][1]">
        <Consignee><xsl:call-template name="party"/></Consignee>
      </xsl:for-each>
      <xsl:for-each select="$gis[e:D1131 = 'VAL'][1]">
        <CustomsValuation><MethodCode><xsl:value-of select="e:D7365"/></MethodCode></CustomsValuation>
      </xsl:for-each>
      <xsl:call-template name="countries"/>
      <xsl:for-each select="$gis[e:D1131 = 'PRC']">
        <GovernmentProcedure>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CurrentCode'"/><xsl:with-param name="v" select="e:D7365"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'PreviousCode'"/><xsl:with-param name="v" select="e:D7187 | e:D7364"/></xsl:call-template>
        </GovernmentProcedure>
      </xsl:for-each>
      <!-- LOC '27' country of origin, C517/1131 the CDS origin type. -->
      <xsl:for-each select="e:LOC[e:D3227 = '27']">
        <Origin>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CountryCode'"/><xsl:with-param name="v" select="e:C517/e:D3225"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:C517/e:D1131"/></xsl:call-template>
        </Origin>
      </xsl:for-each>
      <!-- SG31 PAC / SG32 PCI (D.16A SG33 / SG34): the packaging, numbered in order. -->
      <xsl:for-each select="*[e:PAC]">
        <Packaging>
          <SequenceNumeric><xsl:value-of select="position()"/></SequenceNumeric>
          <xsl:variable name="marks"><xsl:for-each select="*/e:PCI/e:C210/e:D7102"><xsl:value-of select="."/></xsl:for-each></xsl:variable>
          <xsl:if test="$marks != ''"><MarksNumbersID><xsl:value-of select="$marks"/></MarksNumbersID></xsl:if>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'QuantityQuantity'"/><xsl:with-param name="v" select="e:PAC/e:D7224"/></xsl:call-template>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:PAC/e:C202/e:D7065"/></xsl:call-template>
        </Packaging>
      </xsl:for-each>
      <xsl:for-each select="*/e:DOC[e:C002/e:D1000 = 'PREVIOUS']">
        <xsl:call-template name="previous-document"/>
      </xsl:for-each>
      <xsl:for-each select="$gis[e:D1131 = 'VAD'][1]">
        <ValuationAdjustment><AdditionCode><xsl:value-of select="e:D7187 | e:D7364"/></AdditionCode></ValuationAdjustment>
      </xsl:for-each>
    </GovernmentAgencyGoodsItem>
  </xsl:template>

  <xsl:template name="commodity">
    <xsl:variable name="desc"><xsl:for-each select="e:FTX[e:D4451 = 'AAA']/e:C108/e:D4440"><xsl:value-of select="."/></xsl:for-each></xsl:variable>
    <xsl:variable name="cls" select="e:CST/e:C246[normalize-space(e:D7361) != '']"/>
    <!-- MEA C502/6313 (UNCL 6313) $gross-code the item's gross weight, 'AAF' net net weight. -->
    <xsl:variable name="gross" select="e:MEA[e:C502/e:D6313 = $gross-code][1]"/>
    <xsl:variable name="net" select="e:MEA[e:C502/e:D6313 = 'AAF'][1]"/>
    <xsl:variable name="line" select="*/e:MOA[e:C516/e:D5025 = '38'][1]"/>
    <!-- SG41 (D.16A SG43) TAX 5283 '1' individual duty, tax or fee (UNCL 5283). -->
    <xsl:variable name="tax" select="*/e:TAX[e:D5283 = '1']"/>
    <xsl:if test="$desc != '' or $cls or $gross or $net or $line or $tax">
      <Commodity>
        <xsl:if test="$desc != ''"><Description><xsl:value-of select="$desc"/></Description></xsl:if>
        <!-- CST C246: 7361 the commodity code, 1131 its identification type. -->
        <xsl:for-each select="$cls">
          <Classification>
            <ID><xsl:value-of select="e:D7361"/></ID>
            <xsl:call-template name="leaf"><xsl:with-param name="name" select="'IdentificationTypeCode'"/><xsl:with-param name="v" select="e:D1131"/></xsl:call-template>
          </Classification>
        </xsl:for-each>
        <xsl:for-each select="$tax">
          <xsl:call-template name="duty"/>
        </xsl:for-each>
        <xsl:if test="$gross or $net">
          <GoodsMeasure>
            <xsl:for-each select="$gross"><xsl:call-template name="measure"><xsl:with-param name="name" select="'GrossMassMeasure'"/></xsl:call-template></xsl:for-each>
            <xsl:for-each select="$net"><xsl:call-template name="measure"><xsl:with-param name="name" select="'NetNetWeightMeasure'"/></xsl:call-template></xsl:for-each>
          </GoodsMeasure>
        </xsl:if>
        <xsl:for-each select="$line">
          <InvoiceLine><xsl:call-template name="amount"><xsl:with-param name="name" select="'ItemChargeAmount'"/></xsl:call-template></InvoiceLine>
        </xsl:for-each>
      </Commodity>
    </xsl:if>
  </xsl:template>

  <!-- ===== Builders ===== -->

  <!-- A DutyTaxFee from its TAX group: C241/5153 type, C533/5289 quota
       order, 5286 specific base (unit C243/5273), C243 5279 duty regime,
       5278 rate; MOA (UNCL 5025) '125' ad valorem base, '124' tax
       assessed, '9' amount paid; GIS/GEI 'PMC' payment method. -->
  <xsl:template name="duty">
    <xsl:variable name="moa" select="../e:MOA"/>
    <xsl:variable name="pmc" select="../e:GIS/e:C529[e:D1131 = 'PMC'] | ../e:GEI/e:C012[e:D1131 = 'PMC']"/>
    <DutyTaxFee>
      <xsl:for-each select="$moa[e:C516/e:D5025 = '125'][1]"><xsl:call-template name="amount"><xsl:with-param name="name" select="'AdValoremTaxBaseAmount'"/></xsl:call-template></xsl:for-each>
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'DutyRegimeCode'"/><xsl:with-param name="v" select="e:C243/e:D5279"/></xsl:call-template>
      <xsl:if test="normalize-space(e:D5286) != ''">
        <SpecificTaxBaseQuantity>
          <xsl:if test="e:C243/e:D5273 != ''"><xsl:attribute name="unitCode"><xsl:value-of select="e:C243/e:D5273"/></xsl:attribute></xsl:if>
          <xsl:call-template name="number"><xsl:with-param name="v" select="e:D5286"/></xsl:call-template>
        </SpecificTaxBaseQuantity>
      </xsl:if>
      <xsl:if test="normalize-space(e:C243/e:D5278) != ''">
        <TaxRateNumeric><xsl:call-template name="number"><xsl:with-param name="v" select="e:C243/e:D5278"/></xsl:call-template></TaxRateNumeric>
      </xsl:if>
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:C241/e:D5153"/></xsl:call-template>
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'QuotaOrderID'"/><xsl:with-param name="v" select="e:C533/e:D5289"/></xsl:call-template>
      <xsl:if test="$pmc or $moa[e:C516/e:D5025 = '124' or e:C516/e:D5025 = '9']">
        <Payment>
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'MethodCode'"/><xsl:with-param name="v" select="$pmc[1]/e:D7365"/></xsl:call-template>
          <xsl:for-each select="$moa[e:C516/e:D5025 = '124'][1]"><xsl:call-template name="amount"><xsl:with-param name="name" select="'TaxAssessedAmount'"/></xsl:call-template></xsl:for-each>
          <xsl:for-each select="$moa[e:C516/e:D5025 = '9'][1]"><xsl:call-template name="amount"><xsl:with-param name="name" select="'PaymentAmount'"/></xsl:call-template></xsl:for-each>
        </Payment>
      </xsl:if>
    </DutyTaxFee>
  </xsl:template>

  <!-- A means of transport on arrival or at departure from its TDT: C222 8212 (else 8213) ID, 1131 identification type; C220/8067 mode. -->
  <xsl:template name="means">
    <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="(e:C222/e:D8212[. != ''] | e:C222/e:D8213[. != ''])[last()]"/></xsl:call-template>
    <xsl:call-template name="leaf"><xsl:with-param name="name" select="'IdentificationTypeCode'"/><xsl:with-param name="v" select="e:C222/e:D1131"/></xsl:call-template>
    <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ModeCode'"/><xsl:with-param name="v" select="e:C220/e:D8067"/></xsl:call-template>
  </xsl:template>

  <!-- A DOC whose C002/1000 is 'PREVIOUS': 1001 type, 1131 category, C503/1004 ID, 1366 line. -->
  <xsl:template name="previous-document">
    <PreviousDocument>
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CategoryCode'"/><xsl:with-param name="v" select="e:C002/e:D1131"/></xsl:call-template>
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C503/e:D1004"/></xsl:call-template>
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'TypeCode'"/><xsl:with-param name="v" select="e:C002/e:D1001"/></xsl:call-template>
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="'LineNumeric'"/><xsl:with-param name="v" select="e:C503/e:D1366"/></xsl:call-template>
    </PreviousDocument>
  </xsl:template>

  <!-- FTX 'ACB' (UNCL 4451 additional information) and the FTX 'ACB'
       without C107 that continue it: C107/4441 the statement code ('-':
       none), 1131 its type, C108 the description. -->
  <xsl:template match="e:FTX" mode="statement">
    <xsl:if test="normalize-space(e:C107) != '' or not(preceding-sibling::*[1][self::e:FTX][e:D4451 = 'ACB'])">
      <xsl:variable name="text">
        <xsl:value-of select="e:C108"/>
        <xsl:apply-templates select="following-sibling::*[1]" mode="continued"/>
      </xsl:variable>
      <AdditionalInformation>
        <xsl:if test="e:C107/e:D4441 != '-'">
          <xsl:call-template name="leaf"><xsl:with-param name="name" select="'StatementCode'"/><xsl:with-param name="v" select="e:C107/e:D4441"/></xsl:call-template>
        </xsl:if>
        <xsl:if test="$text != ''"><StatementDescription><xsl:value-of select="$text"/></StatementDescription></xsl:if>
        <xsl:call-template name="leaf"><xsl:with-param name="name" select="'StatementTypeCode'"/><xsl:with-param name="v" select="e:C107/e:D1131"/></xsl:call-template>
      </AdditionalInformation>
    </xsl:if>
  </xsl:template>

  <xsl:template match="*" mode="continued"/>
  <xsl:template match="e:FTX[e:D4451 = 'ACB'][normalize-space(e:C107) = '']" mode="continued">
    <xsl:value-of select="e:C108"/>
    <xsl:apply-templates select="following-sibling::*[1]" mode="continued"/>
  </xsl:template>

  <!-- A party from its NAD: Name (C080), ID (C082), an optional code
       (the agent's function), Address (C059, 3164, 3229, 3251, 3207). -->
  <xsl:template name="party">
    <xsl:param name="code" select="/.."/>
    <xsl:param name="code-name" select="''"/>
    <xsl:variable name="name"><xsl:for-each select="e:C080/e:D3036"><xsl:value-of select="."/></xsl:for-each></xsl:variable>
    <xsl:variable name="line"><xsl:for-each select="e:C059/e:D3042"><xsl:value-of select="."/></xsl:for-each></xsl:variable>
    <xsl:if test="$name != ''"><Name><xsl:value-of select="$name"/></Name></xsl:if>
    <xsl:call-template name="leaf"><xsl:with-param name="name" select="'ID'"/><xsl:with-param name="v" select="e:C082/e:D3039"/></xsl:call-template>
    <xsl:if test="$code-name != ''">
      <xsl:call-template name="leaf"><xsl:with-param name="name" select="$code-name"/><xsl:with-param name="v" select="$code"/></xsl:call-template>
    </xsl:if>
    <xsl:if test="$line != '' or normalize-space(e:D3164 | e:D3229 | e:D3251 | e:D3207) != ''
                  or e:D3164 != '' or e:D3229 != '' or e:D3251 != '' or e:D3207 != ''">
      <Address>
        <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CityName'"/><xsl:with-param name="v" select="e:D3164"/></xsl:call-template>
        <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CountryCode'"/><xsl:with-param name="v" select="e:D3207"/></xsl:call-template>
        <xsl:call-template name="leaf"><xsl:with-param name="name" select="'CountrySubDivisionCode'"/><xsl:with-param name="v" select="e:D3229"/></xsl:call-template>
        <xsl:if test="$line != ''"><Line><xsl:value-of select="$line"/></Line></xsl:if>
        <xsl:call-template name="leaf"><xsl:with-param name="name" select="'PostcodeID'"/><xsl:with-param name="v" select="e:D3251"/></xsl:call-template>
      </Address>
    </xsl:if>
  </xsl:template>

  <!-- An element name holding v's string (all of v's nodes joined when all), or nothing when empty. -->
  <xsl:template name="leaf">
    <xsl:param name="name"/>
    <xsl:param name="v"/>
    <xsl:param name="all" select="false()"/>
    <xsl:variable name="s">
      <xsl:choose>
        <xsl:when test="$all"><xsl:for-each select="$v"><xsl:value-of select="."/></xsl:for-each></xsl:when>
        <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$s != ''">
      <xsl:element name="{$name}" namespace="urn:wco:datamodel:WCO:DEC-DMS:2"><xsl:value-of select="$s"/></xsl:element>
    </xsl:if>
  </xsl:template>

  <!-- An amount from a MOA: 5004 the value, 6345 its currency. -->
  <xsl:template name="amount">
    <xsl:param name="name"/>
    <xsl:element name="{$name}" namespace="urn:wco:datamodel:WCO:DEC-DMS:2">
      <xsl:if test="e:C516/e:D6345 != ''"><xsl:attribute name="currencyID"><xsl:value-of select="e:C516/e:D6345"/></xsl:attribute></xsl:if>
      <xsl:call-template name="number"><xsl:with-param name="v" select="e:C516/e:D5004"/></xsl:call-template>
    </xsl:element>
  </xsl:template>

  <!-- A measure from a MEA: C174/6314 the value, 6411 the unit (KGM, the CDS default for masses, is left implied). -->
  <xsl:template name="measure">
    <xsl:param name="name"/>
    <xsl:element name="{$name}" namespace="urn:wco:datamodel:WCO:DEC-DMS:2">
      <xsl:if test="e:C174/e:D6411 != '' and e:C174/e:D6411 != 'KGM'"><xsl:attribute name="unitCode"><xsl:value-of select="e:C174/e:D6411"/></xsl:attribute></xsl:if>
      <xsl:call-template name="number"><xsl:with-param name="v" select="e:C174/e:D6314"/></xsl:call-template>
    </xsl:element>
  </xsl:template>

  <!-- An EDIFACT number in XSD form: a decimal comma becomes a point (tdk:number when available). -->
  <xsl:template name="number">
    <xsl:param name="v"/>
    <xsl:choose>
      <xsl:when test="function-available('tdk:number') and tdk:number(string($v)) != ''"><xsl:value-of select="tdk:number(string($v))"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="translate($v, ',', '.')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A DateTimeString from a DTM: format codes 102 and 304 as they are,
       others rewritten to 304 by tdk:date when it can. -->
  <xsl:template name="datetime">
    <xsl:variable name="v" select="normalize-space(e:C507/e:D2380)"/>
    <xsl:variable name="f" select="normalize-space(e:C507/e:D2379)"/>
    <ds:DateTimeString>
      <xsl:choose>
        <xsl:when test="$f = '102' or $f = '304'">
          <xsl:attribute name="formatCode"><xsl:value-of select="$f"/></xsl:attribute>
          <xsl:value-of select="$v"/>
        </xsl:when>
        <xsl:when test="function-available('tdk:date') and tdk:date($v, '304') != ''">
          <xsl:attribute name="formatCode">304</xsl:attribute>
          <xsl:value-of select="tdk:date($v, '304')"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:attribute name="formatCode"><xsl:value-of select="$f"/></xsl:attribute>
          <xsl:value-of select="$v"/>
        </xsl:otherwise>
      </xsl:choose>
    </ds:DateTimeString>
  </xsl:template>

  <!-- ===== What this map does not read: every other segment, reported ===== -->

  <xsl:template match="e:message[preceding::e:message]" mode="check">
    <xsl:call-template name="unmapped"><xsl:with-param name="reason" select="'only the first message of an interchange is mapped'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="e:message | *[starts-with(local-name(), 'SG')]" mode="check">
    <xsl:apply-templates select="*" mode="check"/>
  </xsl:template>

  <xsl:template match="*" mode="check">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason" select="'no place in the declaration for this segment and qualifier'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="unmapped">
    <xsl:param name="reason"/>
    <xsl:choose>
      <xsl:when test="function-available('tdk:unmapped')">
        <xsl:value-of select="tdk:unmapped(., $reason)"/>
      </xsl:when>
      <xsl:when test="$trace = 'yes'">
        <xsl:message>unmapped: <xsl:value-of select="local-name()"/> at line <xsl:value-of select="@line"/>: <xsl:value-of select="$reason"/></xsl:message>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- Segments read (by tag and qualifier, where the structure puts them):
       their parts this map does not read are reported one by one. -->
  <xsl:template mode="check" match="e:UNH | e:UNT | e:UNS | e:BGM | *[e:CST]/e:CST | e:PAC | e:PCI
      | e:message/e:DTM[e:C507/e:D2005 = '137' or e:C507/e:D2005 = '148']
      | e:message/e:LOC[e:D3227 = '22' or e:D3227 = '42' or e:D3227 = '14' or e:D3227 = '18'] | *[e:TOD][not(preceding-sibling::*/e:TOD)]/e:LOC[e:D3227 = '1']
      | e:LOC[e:D3227 = '28' or e:D3227 = '35'] | *[e:CST]/e:LOC[e:D3227 = '27']
      | *[e:CST]/e:FTX[e:D4451 = 'AAA'] | e:FTX[e:D4451 = 'ACB'] | e:RFF[e:C506/e:D1153 = 'ABT' or e:C506/e:D1153 = 'UCN'][not(../../e:CST)]
      | e:RFF[e:C506/e:D1153 = 'ZZZ'][../e:NAD[e:D3035 = 'ZZZ' or e:D3035 = 'AE' and not(../preceding-sibling::*/e:NAD/e:D3035 = 'AE')]]
      | e:TDT[e:D8051 = '11' or e:D8051 = '12' or e:D8051 = '13'][not(../e:CST)] | e:DOC | e:TOD
      | e:NAD[not(../e:CST)][e:D3035 = 'DT' or e:D3035 = 'EX' or e:D3035 = 'AE' or e:D3035 = 'IM' or e:D3035 = 'CN' or e:D3035 = 'ZZZ']
      | *[e:CST]/e:NAD[e:D3035 = 'CN']
      | e:MOA[e:C516/e:D5025 = '39' or e:C516/e:D5025 = '64'][not(../../e:CST)]
      | e:MOA[e:C516/e:D5025 = '40' or e:C516/e:D5025 = '123' or e:C516/e:D5025 = '38'][../../e:CST]
      | *[e:CST]/e:MEA[e:C502/e:D6313 = 'AAF'
          or e:C502/e:D6313 = 'AAB' and substring(ancestor::e:message/@release, 2, 2) &gt;= 10 and substring(ancestor::e:message/@release, 2, 2) &lt; 90
          or e:C502/e:D6313 = 'AAE' and not(substring(ancestor::e:message/@release, 2, 2) &gt;= 10 and substring(ancestor::e:message/@release, 2, 2) &lt; 90)]
      | *[e:CST]/*/e:GIS[e:C529/e:D1131 = 'PRC' or e:C529/e:D1131 = 'VAL' or e:C529/e:D1131 = 'TNC' or e:C529/e:D1131 = 'VAD']
      | *[e:CST]/*/e:GEI[e:C012/e:D1131 = 'PRC' or e:C012/e:D1131 = 'VAL' or e:C012/e:D1131 = 'TNC' or e:C012/e:D1131 = 'VAD']
      | e:message/e:GIS[e:C529/e:D1131 = 'TNC' or e:C529/e:D1131 = 'CTR'] | e:message/e:GEI[e:C012/e:D1131 = 'TNC' or e:C012/e:D1131 = 'CTR']
      | e:message/e:CNT[e:C270/e:D6069 = '5' or e:C270/e:D6069 = '11']
      | *[e:CST]/*/e:TAX[e:D5283 = '1'] | *[e:TAX/e:D5283 = '1']/e:MOA[e:C516/e:D5025 = '125' or e:C516/e:D5025 = '124' or e:C516/e:D5025 = '9']
      | *[e:TAX/e:D5283 = '1']/e:GIS[e:C529/e:D1131 = 'PMC'] | *[e:TAX/e:D5283 = '1']/e:GEI[e:C012/e:D1131 = 'PMC']">
    <xsl:apply-templates mode="part" select=".//*[not(*)][normalize-space(.) != '']"/>
  </xsl:template>

  <!-- Read once: a repetition is reported (priority over the list above). -->
  <xsl:template mode="check" priority="2" match="e:DTM[e:C507/e:D2005 = preceding-sibling::e:DTM/e:C507/e:D2005]
      | e:LOC[e:D3227 != '27'][e:D3227 = preceding-sibling::e:LOC/e:D3227]
      | e:NAD[e:D3035 != 'ZZZ'][not(../e:CST)][e:D3035 = ../preceding-sibling::*/e:NAD/e:D3035]
      | *[e:CST]/e:NAD[e:D3035 = preceding-sibling::e:NAD/e:D3035]
      | e:TOD[../preceding-sibling::*/e:TOD]
      | e:CNT[e:C270/e:D6069 = preceding-sibling::e:CNT/e:C270/e:D6069]
      | e:TDT[not(../e:CST)][e:D8051 = ../preceding-sibling::*/e:TDT/e:D8051]
      | e:RFF[e:C506/e:D1153 = 'ABT' or e:C506/e:D1153 = 'UCN'][e:C506/e:D1153 = ../preceding-sibling::*/e:RFF/e:C506/e:D1153]
      | e:RFF[e:C506/e:D1153 = 'ZZZ'][preceding-sibling::e:RFF/e:C506/e:D1153 = 'ZZZ']
      | e:MEA[e:C502/e:D6313 = preceding-sibling::e:MEA/e:C502/e:D6313]
      | e:MOA[not(../e:TAX)][e:C516/e:D5025 = ../preceding-sibling::*/e:MOA/e:C516/e:D5025]
      | e:MOA[../e:TAX][e:C516/e:D5025 = preceding-sibling::e:MOA/e:C516/e:D5025]
      | e:GIS[not(../e:TAX)][e:C529/e:D1131 != 'PRC'][e:C529/e:D1131 = ../preceding-sibling::*/e:GIS/e:C529/e:D1131]
      | e:GEI[not(../e:TAX)][e:C012/e:D1131 != 'PRC'][e:C012/e:D1131 = ../preceding-sibling::*/e:GEI/e:C012/e:D1131]
      | e:message/e:GIS[e:C529/e:D1131 = preceding-sibling::e:GIS/e:C529/e:D1131]">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason" select="'repeats a qualifier that the declaration takes once'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The data elements of read segments that this map reads (or that are
       their qualifiers); any other data element with a value is reported. -->
  <xsl:template match="*" mode="part">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason" select="'no place in the declaration for this data element'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template mode="part" match="e:UNH//* | e:UNT//* | e:UNS//* | e:DTM/e:C507/*
      | e:BGM/e:C002/e:D1001[. = '929' or . = '830'] | e:BGM/e:C002/e:D1000 | e:BGM/e:C106/e:D1004 | e:BGM/e:D1225
      | e:CST/e:D1496 | e:CST/e:C246/* | e:PAC/e:D7224 | e:PAC/e:C202/e:D7065 | e:PCI/e:C210/e:D7102
      | e:LOC/e:D3227 | e:LOC/e:C517/e:D3225 | e:LOC[e:D3227 = '14']/e:C517/* | e:LOC[e:D3227 = '14']/e:C519/*
      | e:LOC[e:D3227 = '27' or e:D3227 = '18']/e:C517/e:D1131 | e:LOC[e:D3227 = '27' or e:D3227 = '18']/e:C517/e:D3055
      | e:LOC[e:D3227 = '1']/e:C517/e:D3224
      | e:FTX/e:D4451 | e:FTX/e:C108/e:D4440 | e:FTX[e:D4451 = 'ACB']/e:C107/*
      | e:RFF/e:C506/e:D1153 | e:RFF/e:C506/e:D1154
      | e:TDT/e:D8051 | e:TDT/e:C220/e:D8067 | e:TDT/e:C222/e:D8212 | e:TDT/e:C222/e:D8213[not(../e:D8212 != '')]
      | e:TDT/e:C222/e:D1131 | e:TDT/e:C222/e:D3055 | e:TDT[e:D8051 = '11']/e:C222/e:D8453
      | e:DOC/e:C002/e:D1001 | e:DOC/e:C002/e:D1131 | e:DOC/e:C002/e:D3055 | e:DOC/e:C503/e:D1004
      | e:DOC[../../e:CST or e:C002/e:D1000 = 'PREVIOUS']/e:C002/e:D1000
      | e:DOC[../../e:CST or e:C002/e:D1000 = 'PREVIOUS']/e:C503/e:D1366
      | e:TOD/e:D4055 | e:TOD/e:C100/e:D4053 | e:TOD/e:C100/e:D4052
      | e:NAD/e:D3035 | e:NAD/e:C082/e:D3039 | e:NAD/e:C080/e:D3036 | e:NAD/e:C059/e:D3042
      | e:NAD/e:D3164 | e:NAD/e:D3229 | e:NAD/e:D3251 | e:NAD/e:D3207
      | e:MOA/e:C516/e:D5025 | e:MOA/e:C516/e:D5004 | e:MOA/e:C516/e:D6345
      | e:MEA/e:D6311 | e:MEA/e:C502/e:D6313 | e:MEA/e:C174/e:D6411 | e:MEA/e:C174/e:D6314
      | e:GIS/e:C529/e:D7365 | e:GIS/e:C529/e:D1131 | e:GIS/e:C529/e:D3055
      | e:GIS/e:C529[e:D1131 = 'PRC' or e:D1131 = 'VAD']/e:D7187
      | e:GEI/e:D9649 | e:GEI/e:C012/e:D7365 | e:GEI/e:C012/e:D1131 | e:GEI/e:C012/e:D3055
      | e:GEI/e:C012[e:D1131 = 'PRC' or e:D1131 = 'VAD']/e:D7364
      | e:CNT/e:C270/e:D6069 | e:CNT/e:C270/e:D6066
      | e:TAX/e:D5283 | e:TAX/e:C241/e:D5153 | e:TAX/e:C241/e:D3055 | e:TAX/e:C533/e:D5289 | e:TAX/e:D5286
      | e:TAX/e:C243/e:D5279 | e:TAX/e:C243/e:D3055 | e:TAX/e:C243/e:D5278 | e:TAX/e:C243/e:D5273"/>
</xsl:stylesheet>
