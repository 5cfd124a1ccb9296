<?xml version="1.0" encoding="UTF-8"?>
<!--
  wco-to-cusdec: a WCO Data Model declaration in the UK CDS shape
  (DEC-DMS:2 in its MetaData envelope, as tdk map takes it; the stylesheet
  itself also reads a Declaration without the envelope) to a UN/EDIFACT
  CUSDEC message of release D.96B, written as tdk's EDIFACT XML in
  directory naming (urn:tdk:edifact:directory:1) for `tdk convert -f xml
  -t edifact`.  The segments and their groups follow the D.96B CUSDEC
  structure (`tdk dir show D96B CUSDEC`); the qualifiers are codes of the
  UNTDID D.96B code lists (UNCL), named where they are used.

  Codes of the CDS code lists that UNCL does not hold (declaration types,
  document and procedure codes, authorisation types ...) are written in a
  composite whose code list responsible agency (3055) is '109' (UNCL 3055:
  "GB, H.M. Customs & Excise"), so that they are read as codes of that
  agency's lists, never as UNCL codes; 1131 names the list where one
  composite may hold codes of several.  Text longer than its EDIFACT data
  element is split over the element's repetitions (and over further
  segments where the group allows) and cusdec-to-wco joins it again; the
  one text cut, the terms of delivery beyond TOD's 140 characters, is
  reported.

  Every part of the declaration that CUSDEC does not carry here is reported
  through tdk:unmapped() (the "check" mode below); nothing is dropped
  silently.  The stylesheet also runs without tdk's extension functions
  (xsltproc): the reports are then xsl:message lines when $trace = 'yes'.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns="urn:tdk:edifact:directory:1"
    xmlns:w="urn:wco:datamodel:WCO:DEC-DMS:2"
    xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"
    xmlns:tdk="urn:tdk:xslt:1"
    xmlns:exsl="http://exslt.org/common"
    extension-element-prefixes="exsl"
    exclude-result-prefixes="w md tdk exsl">

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:strip-space elements="*"/>

  <!-- UNB sender and recipient identifications (0004, 0010). -->
  <xsl:param name="sender" select="'TDK'"/>
  <xsl:param name="recipient" select="'CUSTOMS'"/>
  <!-- UNB interchange control reference (0020) and UNH message reference (0062). -->
  <xsl:param name="reference" select="'1'"/>
  <!-- 'yes': report unmapped parts with xsl:message when tdk:unmapped is not available. -->
  <xsl:param name="trace" select="'no'"/>

  <!-- The CDS code lists' agency (UNCL 3055 '109'). -->
  <xsl:variable name="agency" select="'109'"/>

  <xsl:variable name="D" select="(//w:Declaration)[1]"/>
  <!-- UNOC (ISO 8859-1, syntax version 3) when every character of the
       declaration is in ISO 8859-1, else UNOW (UTF-8, syntax version 4,
       whose UNB date has the century). -->
  <xsl:variable name="latin1" select="concat(' !&quot;#$%&amp;()*+,-./0123456789:;&lt;=&gt;?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~', &quot;'&quot;, '&#9;&#10;&#13;&#160;&#161;&#162;&#163;&#164;&#165;&#166;&#167;&#168;&#169;&#170;&#171;&#172;&#173;&#174;&#175;&#176;&#177;&#178;&#179;&#180;&#181;&#182;&#183;&#184;&#185;&#186;&#187;&#188;&#189;&#190;&#191;&#192;&#193;&#194;&#195;&#196;&#197;&#198;&#199;&#200;&#201;&#202;&#203;&#204;&#205;&#206;&#207;&#208;&#209;&#210;&#211;&#212;&#213;&#214;&#215;&#216;&#217;&#218;&#219;&#220;&#221;&#222;&#223;&#224;&#225;&#226;&#227;&#228;&#229;&#230;&#231;&#232;&#233;&#234;&#235;&#236;&#237;&#238;&#239;&#240;&#241;&#242;&#243;&#244;&#245;&#246;&#247;&#248;&#249;&#250;&#251;&#252;&#253;&#254;&#255;')"/>
  <xsl:variable name="utf8" select="translate(string($D), $latin1, '') != ''"/>
  <xsl:variable name="G" select="$D/w:GoodsShipment"/>

  <xsl:template match="/">
    <xsl:if test="not($D)">
      <xsl:message terminate="yes">no WCO DM declaration (urn:wco:datamodel:WCO:DEC-DMS:2 Declaration) in the input</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="$D/../md:*" mode="check"/>
    <xsl:apply-templates select="$D" mode="check"/>
    <xsl:variable name="body">
      <xsl:call-template name="header"/>
      <UNS><D0081>D</D0081></UNS>
      <xsl:for-each select="$G/w:GovernmentAgencyGoodsItem">
        <xsl:call-template name="item"/>
      </xsl:for-each>
      <UNS><D0081>S</D0081></UNS>
      <xsl:call-template name="totals"/>
    </xsl:variable>
    <xsl:variable name="segments"
        select="count(exsl:node-set($body)//*[string-length(local-name()) = 3
                                             and not(starts-with(local-name(), 'SG'))])"/>
    <edifact>
      <interchange una=":+.? '">
        <segment tag="UNB">
          <xsl:choose>
            <xsl:when test="$utf8"><e><c>UNOW</c><c>4</c></e></xsl:when>
            <xsl:otherwise><e><c>UNOC</c><c>3</c></e></xsl:otherwise>
          </xsl:choose>
          <e><c><xsl:value-of select="$sender"/></c></e>
          <e><c><xsl:value-of select="$recipient"/></c></e>
          <e><xsl:call-template name="unb-date"/></e>
          <e><xsl:value-of select="$reference"/></e>
        </segment>
        <message type="CUSDEC" release="D96B">
          <UNH>
            <D0062><xsl:value-of select="$reference"/></D0062>
            <S009><D0065>CUSDEC</D0065><D0052>D</D0052><D0054>96B</D0054><D0051>UN</D0051></S009>
          </UNH>
          <xsl:apply-templates select="exsl:node-set($body)/*" mode="trim"/>
          <UNT><D0074><xsl:value-of select="$segments + 2"/></D0074><D0062><xsl:value-of select="$reference"/></D0062></UNT>
        </message>
        <segment tag="UNZ"><e>1</e><e><xsl:value-of select="$reference"/></e></segment>
      </interchange>
    </edifact>
  </xsl:template>

  <!-- UNB date and time of preparation (YYMMDD:HHMM; CCYYMMDD:HHMM in syntax
       version 4) from the declaration's first date, else 2000-01-01 00:00. -->
  <xsl:template name="unb-date">
    <xsl:variable name="dt" select="normalize-space(($D/w:IssueDateTime | $D/w:AcceptanceDateTime)[1]/*)"/>
    <xsl:choose>
      <xsl:when test="string-length($dt) &gt;= 8 and translate(substring($dt, 1, 8), '0123456789', '') = ''">
        <c><xsl:value-of select="substring($dt, 3 - 2 * number($utf8), 6 + 2 * number($utf8))"/></c>
        <xsl:choose>
          <xsl:when test="string-length($dt) &gt;= 12 and translate(substring($dt, 9, 4), '0123456789', '') = ''">
            <c><xsl:value-of select="substring($dt, 9, 4)"/></c>
          </xsl:when>
          <xsl:otherwise><c>0000</c></xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:when test="$utf8"><c>20000101</c><c>0000</c></xsl:when>
      <xsl:otherwise><c>000101</c><c>0000</c></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ===== Header section (D.96B positions 0020-0400) ===== -->
  <xsl:template name="header">
    <!-- BGM: C002/1001 from UNCL 1001 ('929' goods declaration for importation,
         '830' goods declaration for exportation), C002/1000 the CDS
         declaration type (DE 1/1 + 1/2) as written; C106/1004 the LRN;
         1225 the message function (UNCL 1225: '9' original, '13' request ...),
         which WCO's FunctionCode takes from the same list. -->
    <BGM>
      <C002>
        <D1001>
          <xsl:choose>
            <xsl:when test="starts-with($D/w:TypeCode, 'EX')">830</xsl:when>
            <xsl:otherwise>929</xsl:otherwise>
          </xsl:choose>
        </D1001>
        <D1131/><D3055/>
        <D1000><xsl:value-of select="$D/w:TypeCode"/></D1000>
      </C002>
      <C106><D1004><xsl:value-of select="$D/w:FunctionalReferenceID"/></D1004></C106>
      <D1225><xsl:value-of select="$D/w:FunctionCode"/></D1225>
    </BGM>
    <!-- LOC (UNCL 3227): '22' customs office of clearance, '42' customs
         office of exit, '14' location of goods, '28' country of destination
         of goods, '35' country of exportation/despatch. -->
    <xsl:for-each select="$D/w:DeclarationOfficeID">
      <LOC><D3227>22</D3227><C517><D3225><xsl:value-of select="."/></D3225></C517></LOC>
    </xsl:for-each>
    <xsl:for-each select="$D/w:ExitOffice">
      <LOC><D3227>42</D3227><C517><D3225><xsl:value-of select="w:ID"/></D3225></C517></LOC>
    </xsl:for-each>
    <xsl:for-each select="$G/w:Consignment/w:GoodsLocation">
      <xsl:call-template name="goods-location"/>
    </xsl:for-each>
    <xsl:for-each select="$G/w:Destination">
      <xsl:call-template name="country-loc"><xsl:with-param name="q" select="'28'"/><xsl:with-param name="v" select="w:CountryCode"/></xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$G/w:ExportCountry">
      <xsl:call-template name="country-loc"><xsl:with-param name="q" select="'35'"/><xsl:with-param name="v" select="w:ID"/></xsl:call-template>
    </xsl:for-each>
    <!-- LOC '18' warehouse: C517 3225 its ID, 1131 its CDS warehouse type. -->
    <xsl:for-each select="$G/w:Warehouse">
      <LOC>
        <D3227>18</D3227>
        <C517>
          <D3225><xsl:value-of select="w:ID"/></D3225>
          <D1131><xsl:value-of select="w:TypeCode"/></D1131>
          <D3055><xsl:if test="w:TypeCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
        </C517>
      </LOC>
    </xsl:for-each>
    <!-- DTM (UNCL 2005): '148' acceptance date of goods declaration (Customs),
         '137' document/message date/time; 2379 the WCO formatCode (UNCL 2379
         '102' CCYYMMDD, '304' CCYYMMDDHHMMSS with zone). -->
    <xsl:for-each select="$D/w:AcceptanceDateTime">
      <xsl:call-template name="dtm"><xsl:with-param name="q" select="'148'"/></xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$D/w:IssueDateTime">
      <xsl:call-template name="dtm"><xsl:with-param name="q" select="'137'"/></xsl:call-template>
    </xsl:for-each>
    <!-- GIS C529 (7365, 1131 the list, 3055 '109'): 'TNC' the CDS nature of
         transaction (DE 8/5), 'CTR' the CDS container indicator (DE 7/2). -->
    <xsl:for-each select="$G/w:TransactionNatureCode">
      <xsl:call-template name="gis"><xsl:with-param name="list" select="'TNC'"/><xsl:with-param name="code" select="."/></xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$G/w:Consignment/w:ContainerCode">
      <xsl:call-template name="gis"><xsl:with-param name="list" select="'CTR'"/><xsl:with-param name="code" select="."/></xsl:call-template>
    </xsl:for-each>

    <!-- FTX 4451 'ACB' additional information (UNCL 4451). -->
    <xsl:for-each select="$D/w:AdditionalInformation">
      <xsl:call-template name="statement"/>
    </xsl:for-each>
    <!-- SG1 RFF 1153 'ABT' customs declaration number (UNCL 1153): the MRN. -->
    <xsl:for-each select="$D/w:ID">
      <SG1><RFF><C506><D1153>ABT</D1153><D1154><xsl:value-of select="."/></D1154></C506></RFF></SG1>
    </xsl:for-each>
    <!-- SG1 RFF 'UCN' unique consignment reference number: the trader's UCR. -->
    <xsl:for-each select="$G/w:UCR/w:TraderAssignedReferenceID">
      <SG1><RFF><C506><D1153>UCN</D1153><D1154><xsl:value-of select="."/></D1154></C506></RFF></SG1>
    </xsl:for-each>
    <!-- SG4 TDT 8051 (UNCL 8051) '11' at border, '12' at departure, '13'
         at destination (the means of transport on arrival); C220/8067 the
         mode (UN/ECE Rec 19, no UNCL list in D.96B); C222: 1131 the CDS
         identification type, 8212 the identification, 8453 the nationality
         (ISO 3166). -->
    <xsl:for-each select="$D/w:BorderTransportMeans">
      <xsl:call-template name="tdt"><xsl:with-param name="q" select="'11'"/></xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$G/w:Consignment/w:DepartureTransportMeans">
      <xsl:call-template name="tdt"><xsl:with-param name="q" select="'12'"/></xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="$G/w:Consignment/w:ArrivalTransportMeans">
      <xsl:call-template name="tdt"><xsl:with-param name="q" select="'13'"/></xsl:call-template>
    </xsl:for-each>
    <!-- SG5 DOC: header additional documents, then previous documents. -->
    <xsl:for-each select="$D/w:AdditionalDocument">
      <SG5><xsl:call-template name="additional-document"/></SG5>
    </xsl:for-each>
    <xsl:for-each select="$G/w:PreviousDocument">
      <SG5><xsl:call-template name="previous-document"/></SG5>
    </xsl:for-each>
    <!-- SG6 NAD (UNCL 3035): 'DT' declarant, 'EX' exporter, 'AE' declarant's
         agent/representative, 'IM' importer, 'CN' consignee; the holders of
         authorisations (DE 3/39) have no UNCL 3035 role: 'ZZZ' mutually
         defined, with RFF 1153 'ZZZ' (mutually defined reference) giving the
         authorisation type.  The agent's RFF 'ZZZ' gives its function code
         (status of representation). -->
    <xsl:for-each select="$D/w:Declarant">
      <SG6><xsl:call-template name="nad"><xsl:with-param name="q" select="'DT'"/></xsl:call-template></SG6>
    </xsl:for-each>
    <xsl:for-each select="$D/w:Exporter">
      <SG6><xsl:call-template name="nad"><xsl:with-param name="q" select="'EX'"/></xsl:call-template></SG6>
    </xsl:for-each>
    <xsl:for-each select="$D/w:Agent">
      <SG6>
        <xsl:call-template name="nad"><xsl:with-param name="q" select="'AE'"/></xsl:call-template>
        <xsl:for-each select="w:FunctionCode">
          <RFF><C506><D1153>ZZZ</D1153><D1154><xsl:value-of select="."/></D1154></C506></RFF>
        </xsl:for-each>
      </SG6>
    </xsl:for-each>
    <xsl:for-each select="$G/w:Importer">
      <SG6><xsl:call-template name="nad"><xsl:with-param name="q" select="'IM'"/></xsl:call-template></SG6>
    </xsl:for-each>
    <xsl:for-each select="$G/w:Consignee">
      <SG6><xsl:call-template name="nad"><xsl:with-param name="q" select="'CN'"/></xsl:call-template></SG6>
    </xsl:for-each>
    <xsl:for-each select="$D/w:AuthorisationHolder">
      <SG6>
        <xsl:call-template name="nad"><xsl:with-param name="q" select="'ZZZ'"/></xsl:call-template>
        <RFF><C506><D1153>ZZZ</D1153><D1154><xsl:value-of select="w:CategoryCode"/></D1154></C506></RFF>
      </SG6>
    </xsl:for-each>
    <!-- SG7 TOD 4055 '6' delivery condition (UNCL 4055); C100/4053 the
         Incoterms code (no UNCL list in D.96B); LOC 3227 '1' place of terms
         of delivery. -->
    <xsl:for-each select="$G/w:TradeTerms">
      <SG7>
        <TOD>
          <D4055>6</D4055><D4215/>
          <C100>
            <D4053><xsl:value-of select="w:ConditionCode"/></D4053><D1131/><D3055/>
            <xsl:call-template name="chunks"><xsl:with-param name="s" select="w:Description"/><xsl:with-param name="n" select="70"/><xsl:with-param name="max" select="2"/><xsl:with-param name="tag" select="'D4052'"/></xsl:call-template>
          </C100>
        </TOD>
        <xsl:if test="w:LocationID or w:LocationName">
          <LOC><D3227>1</D3227><C517><D3225><xsl:value-of select="w:LocationID"/></D3225><D1131/><D3055/><D3224><xsl:value-of select="w:LocationName"/></D3224></C517></LOC>
        </xsl:if>
      </SG7>
    </xsl:for-each>
    <!-- SG8 MOA (UNCL 5025): '39' invoice total amount, '64' freight charge. -->
    <xsl:for-each select="$D/w:InvoiceAmount">
      <SG8><xsl:call-template name="moa"><xsl:with-param name="q" select="'39'"/></xsl:call-template></SG8>
    </xsl:for-each>
    <xsl:for-each select="$G/w:CustomsValuation/w:FreightChargeAmount">
      <SG8><xsl:call-template name="moa"><xsl:with-param name="q" select="'64'"/></xsl:call-template></SG8>
    </xsl:for-each>
  </xsl:template>

  <!-- ===== Detail section: one SG30 per goods item (D.96B positions 1210-1910) ===== -->
  <xsl:template name="item">
    <SG30>
      <!-- CST 1496 goods item number; C246 (up to five): 7361 the commodity
           code, 1131 its CDS identification type (TSP, TRC, TRA ...). -->
      <CST>
        <D1496><xsl:value-of select="w:SequenceNumeric"/></D1496>
        <xsl:for-each select="w:Commodity/w:Classification[position() &lt;= 5]">
          <C246>
            <D7361><xsl:value-of select="w:ID"/></D7361>
            <D1131><xsl:value-of select="w:IdentificationTypeCode"/></D1131>
            <D3055><xsl:if test="w:IdentificationTypeCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
          </C246>
        </xsl:for-each>
      </CST>
      <!-- FTX 4451 'AAA' goods description, 'ACB' additional information. -->
      <xsl:for-each select="w:Commodity/w:Description">
        <xsl:call-template name="ftx"><xsl:with-param name="q" select="'AAA'"/><xsl:with-param name="s" select="string(.)"/></xsl:call-template>
      </xsl:for-each>
      <xsl:for-each select="w:AdditionalInformation">
        <xsl:call-template name="statement"/>
      </xsl:for-each>
      <!-- LOC (UNCL 3227) '27' country of origin: C517/1131 the CDS origin
           type ('1' non-preferential, '2' preferential); '28', '35' as in
           the header. -->
      <xsl:for-each select="w:Origin">
        <LOC>
          <D3227>27</D3227>
          <C517>
            <D3225><xsl:value-of select="w:CountryCode"/></D3225>
            <D1131><xsl:value-of select="w:TypeCode"/></D1131>
            <D3055><xsl:if test="w:TypeCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
          </C517>
        </LOC>
      </xsl:for-each>
      <xsl:for-each select="w:Destination">
        <xsl:call-template name="country-loc"><xsl:with-param name="q" select="'28'"/><xsl:with-param name="v" select="w:CountryCode"/></xsl:call-template>
      </xsl:for-each>
      <xsl:for-each select="w:ExportCountry">
        <xsl:call-template name="country-loc"><xsl:with-param name="q" select="'35'"/><xsl:with-param name="v" select="w:ID"/></xsl:call-template>
      </xsl:for-each>
      <!-- MEA 6311 'WT' weights; C502/6313 (UNCL 6313) 'AAE' item gross
           weight, 'AAF' net net weight; C174/6411 the unit (UN/ECE Rec 20),
           KGM when the declaration leaves it implied. -->
      <xsl:for-each select="w:Commodity/w:GoodsMeasure/w:GrossMassMeasure">
        <xsl:call-template name="mea"><xsl:with-param name="q" select="'AAE'"/></xsl:call-template>
      </xsl:for-each>
      <xsl:for-each select="w:Commodity/w:GoodsMeasure/w:NetNetWeightMeasure">
        <xsl:call-template name="mea"><xsl:with-param name="q" select="'AAF'"/></xsl:call-template>
      </xsl:for-each>
      <xsl:for-each select="w:Consignee">
        <xsl:call-template name="nad"><xsl:with-param name="q" select="'CN'"/></xsl:call-template>
      </xsl:for-each>
      <!-- SG31 PAC: 7224 number of packages, C202/7065 the package type
           (UN/ECE Rec 21); SG32 PCI C210/7102 the shipping marks.  The
           packaging's sequence number is its position in the item. -->
      <xsl:for-each select="w:Packaging">
        <SG31>
          <PAC>
            <D7224><xsl:value-of select="w:QuantityQuantity"/></D7224>
            <C531/>
            <C202><D7065><xsl:value-of select="w:TypeCode"/></D7065></C202>
          </PAC>
          <xsl:if test="w:MarksNumbersID">
            <xsl:call-template name="pci"><xsl:with-param name="s" select="string(w:MarksNumbersID)"/></xsl:call-template>
          </xsl:if>
        </SG31>
      </xsl:for-each>
      <!-- SG33 MOA (UNCL 5025): '123' statistical value, '38' invoice item
           amount, '40' customs value. -->
      <xsl:for-each select="w:StatisticalValueAmount">
        <SG33><xsl:call-template name="moa"><xsl:with-param name="q" select="'123'"/></xsl:call-template></SG33>
      </xsl:for-each>
      <xsl:for-each select="w:Commodity/w:InvoiceLine/w:ItemChargeAmount">
        <SG33><xsl:call-template name="moa"><xsl:with-param name="q" select="'38'"/></xsl:call-template></SG33>
      </xsl:for-each>
      <xsl:for-each select="w:CustomsValueAmount">
        <SG33><xsl:call-template name="moa"><xsl:with-param name="q" select="'40'"/></xsl:call-template></SG33>
      </xsl:for-each>
      <!-- SG37 DOC: additional documents, then previous documents. -->
      <xsl:for-each select="w:AdditionalDocument">
        <SG37><xsl:call-template name="additional-document"/></SG37>
      </xsl:for-each>
      <xsl:for-each select="w:PreviousDocument">
        <SG37><xsl:call-template name="previous-document"/></SG37>
      </xsl:for-each>
      <!-- SG40 GIS C529: CDS codes of agency 109, 1131 naming the list:
           'PRC' procedure (7365 current, 7187 previous procedure), 'VAL'
           valuation method, 'TNC' nature of transaction, 'VAD' valuation
           adjustment (its code has four characters: in 7187, after the
           mandatory 7365 'ADJ'). -->
      <xsl:for-each select="w:GovernmentProcedure">
        <SG40><GIS><C529>
          <D7365><xsl:value-of select="w:CurrentCode"/></D7365><D1131>PRC</D1131><D3055><xsl:value-of select="$agency"/></D3055>
          <D7187><xsl:value-of select="w:PreviousCode"/></D7187>
        </C529></GIS></SG40>
      </xsl:for-each>
      <xsl:for-each select="w:CustomsValuation/w:MethodCode">
        <SG40><xsl:call-template name="gis"><xsl:with-param name="list" select="'VAL'"/><xsl:with-param name="code" select="."/></xsl:call-template></SG40>
      </xsl:for-each>
      <xsl:for-each select="w:TransactionNatureCode">
        <SG40><xsl:call-template name="gis"><xsl:with-param name="list" select="'TNC'"/><xsl:with-param name="code" select="."/></xsl:call-template></SG40>
      </xsl:for-each>
      <xsl:for-each select="w:ValuationAdjustment/w:AdditionCode">
        <SG40><GIS><C529><D7365>ADJ</D7365><D1131>VAD</D1131><D3055><xsl:value-of select="$agency"/></D3055><D7187><xsl:value-of select="."/></D7187></C529></GIS></SG40>
      </xsl:for-each>
      <xsl:for-each select="w:Commodity/w:DutyTaxFee">
        <xsl:call-template name="tax"/>
      </xsl:for-each>
    </SG30>
  </xsl:template>

  <!-- SG41 for a DutyTaxFee: TAX 5283 '1' individual duty, tax or fee
       (Customs item; UNCL 5283); C241/5153 its CDS type; C533/5289 the
       quota order number; 5286 the specific tax base (its CDS unit in
       C243/5273, agency 109); C243 5279 the CDS duty regime, 5278 the rate.  MOA (UNCL
       5025) '125' taxable amount (the ad valorem base), '124' tax amount
       (assessed), '9' amount due/payable (paid): the first two given, as
       the group holds two.  GIS 'PMC': the CDS payment method. -->
  <xsl:template name="tax">
    <xsl:variable name="amounts" select="(w:AdValoremTaxBaseAmount | w:Payment/w:TaxAssessedAmount | w:Payment/w:PaymentAmount)[position() &lt;= 2]"/>
    <SG41>
      <TAX>
        <D5283>1</D5283>
        <C241>
          <D5153><xsl:value-of select="w:TypeCode"/></D5153><D1131/>
          <D3055><xsl:if test="w:TypeCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
        </C241>
        <C533><D5289><xsl:value-of select="w:QuotaOrderID"/></D5289></C533>
        <D5286><xsl:value-of select="normalize-space(w:SpecificTaxBaseQuantity)"/></D5286>
        <C243>
          <D5279><xsl:value-of select="w:DutyRegimeCode"/></D5279><D1131/>
          <!-- tdk validate reads a composite's first 3055 as the agency of all its codes. -->
          <D3055><xsl:if test="w:DutyRegimeCode != '' or w:SpecificTaxBaseQuantity/@unitCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
          <D5278><xsl:value-of select="normalize-space(w:TaxRateNumeric)"/></D5278>
          <D5273><xsl:value-of select="w:SpecificTaxBaseQuantity/@unitCode"/></D5273><D1131/>
          <D3055><xsl:if test="w:SpecificTaxBaseQuantity/@unitCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
        </C243>
      </TAX>
      <xsl:for-each select="$amounts">
        <xsl:call-template name="moa">
          <xsl:with-param name="q">
            <xsl:choose>
              <xsl:when test="self::w:AdValoremTaxBaseAmount">125</xsl:when>
              <xsl:when test="self::w:TaxAssessedAmount">124</xsl:when>
              <xsl:otherwise>9</xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:for-each>
      <xsl:for-each select="w:Payment/w:MethodCode">
        <xsl:call-template name="gis"><xsl:with-param name="list" select="'PMC'"/><xsl:with-param name="code" select="."/></xsl:call-template>
      </xsl:for-each>
    </SG41>
  </xsl:template>

  <!-- CNT (UNCL 6069): '5' number of Customs item detail lines, '11' total number of packages. -->
  <xsl:template name="totals">
    <xsl:for-each select="$D/w:GoodsItemQuantity">
      <CNT><C270><D6069>5</D6069><D6066><xsl:value-of select="."/></D6066></C270></CNT>
    </xsl:for-each>
    <xsl:for-each select="$D/w:TotalPackageQuantity">
      <CNT><C270><D6069>11</D6069><D6066><xsl:value-of select="."/></D6066></C270></CNT>
    </xsl:for-each>
  </xsl:template>

  <!-- ===== Segment builders ===== -->

  <!-- NAD for the context party: C082 its ID, C080 its name, C059 the
       address line, 3164 city, 3229 country sub-entity, 3251 postcode,
       3207 country. -->
  <xsl:template name="nad">
    <xsl:param name="q"/>
    <xsl:variable name="a" select="w:Address"/>
    <NAD>
      <D3035><xsl:value-of select="$q"/></D3035>
      <C082><D3039><xsl:value-of select="w:ID"/></D3039></C082>
      <C058/>
      <C080><xsl:call-template name="chunks"><xsl:with-param name="s" select="w:Name"/><xsl:with-param name="n" select="35"/><xsl:with-param name="max" select="5"/><xsl:with-param name="tag" select="'D3036'"/></xsl:call-template></C080>
      <C059><xsl:call-template name="chunks"><xsl:with-param name="s" select="$a/w:Line"/><xsl:with-param name="n" select="35"/><xsl:with-param name="max" select="4"/><xsl:with-param name="tag" select="'D3042'"/></xsl:call-template></C059>
      <D3164><xsl:value-of select="$a/w:CityName"/></D3164>
      <D3229><xsl:value-of select="$a/w:CountrySubDivisionCode"/></D3229>
      <D3251><xsl:value-of select="$a/w:PostcodeID"/></D3251>
      <D3207><xsl:value-of select="$a/w:CountryCode"/></D3207>
    </NAD>
  </xsl:template>

  <!-- LOC '14' location of goods: C517 3225 its ID, 1131 its CDS type of
       location, 3224 its name (the CDS location code); C519 3223 the
       address country, 1131 the CDS qualifier of identification. -->
  <xsl:template name="goods-location">
    <LOC>
      <D3227>14</D3227>
      <C517>
        <D3225><xsl:value-of select="w:ID"/></D3225>
        <D1131><xsl:value-of select="w:TypeCode"/></D1131>
        <D3055><xsl:if test="w:TypeCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
        <D3224><xsl:value-of select="w:Name"/></D3224>
      </C517>
      <C519>
        <D3223><xsl:value-of select="w:Address/w:CountryCode"/></D3223>
        <D1131><xsl:value-of select="w:Address/w:TypeCode"/></D1131>
        <D3055><xsl:if test="w:Address/w:TypeCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
      </C519>
    </LOC>
  </xsl:template>

  <xsl:template name="tdt">
    <xsl:param name="q"/>
    <SG4>
      <TDT>
        <D8051><xsl:value-of select="$q"/></D8051><D8028/>
        <C220><D8067><xsl:value-of select="w:ModeCode"/></D8067></C220>
        <C228/><C040/><D8101/><C401/>
        <C222>
          <D8213/>
          <D1131><xsl:value-of select="w:IdentificationTypeCode"/></D1131>
          <D3055><xsl:if test="w:IdentificationTypeCode != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
          <D8212><xsl:value-of select="w:ID"/></D8212>
          <D8453><xsl:value-of select="w:RegistrationNationalityCode"/></D8453>
        </C222>
      </TDT>
    </SG4>
  </xsl:template>

  <xsl:template name="country-loc">
    <xsl:param name="q"/>
    <xsl:param name="v"/>
    <LOC><D3227><xsl:value-of select="$q"/></D3227><C517><D3225><xsl:value-of select="$v"/></D3225></C517></LOC>
  </xsl:template>

  <xsl:template name="dtm">
    <xsl:param name="q"/>
    <DTM><C507>
      <D2005><xsl:value-of select="$q"/></D2005>
      <D2380><xsl:value-of select="normalize-space(*)"/></D2380>
      <D2379><xsl:value-of select="*/@formatCode"/></D2379>
    </C507></DTM>
  </xsl:template>

  <xsl:template name="gis">
    <xsl:param name="list"/>
    <xsl:param name="code"/>
    <GIS><C529><D7365><xsl:value-of select="$code"/></D7365><D1131><xsl:value-of select="$list"/></D1131><D3055><xsl:value-of select="$agency"/></D3055></C529></GIS>
  </xsl:template>

  <!-- FTX 'ACB' for an AdditionalInformation: C107 4441 the CDS statement
       code ('-' when it has none: 4441 is mandatory in C107, and C107 marks
       the first FTX of a statement), 1131 its statement type; C108 the
       description. -->
  <xsl:template name="statement">
    <xsl:call-template name="ftx">
      <xsl:with-param name="q" select="'ACB'"/>
      <xsl:with-param name="s" select="string(w:StatementDescription)"/>
      <xsl:with-param name="ref" select="concat(w:StatementCode, substring('-', 1, number(string(w:StatementCode) = '')))"/>
      <xsl:with-param name="list" select="string(w:StatementTypeCode)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- FTX q with text s, five times 70 characters per segment; the
       reference (C107) goes on the first segment only. -->
  <xsl:template name="ftx">
    <xsl:param name="q"/>
    <xsl:param name="s"/>
    <xsl:param name="ref" select="''"/>
    <xsl:param name="list" select="''"/>
    <xsl:param name="first" select="true()"/>
    <FTX>
      <D4451><xsl:value-of select="$q"/></D4451>
      <D4453/>
      <C107>
        <xsl:if test="$first and $ref != ''">
          <D4441><xsl:value-of select="$ref"/></D4441>
          <D1131><xsl:value-of select="$list"/></D1131>
          <D3055><xsl:if test="$list != ''"><xsl:value-of select="$agency"/></xsl:if></D3055>
        </xsl:if>
      </C107>
      <C108><xsl:call-template name="chunks"><xsl:with-param name="s" select="substring($s, 1, 350)"/><xsl:with-param name="n" select="70"/><xsl:with-param name="max" select="5"/><xsl:with-param name="tag" select="'D4440'"/></xsl:call-template></C108>
    </FTX>
    <xsl:if test="string-length($s) &gt; 350">
      <xsl:call-template name="ftx">
        <xsl:with-param name="q" select="$q"/>
        <xsl:with-param name="s" select="substring($s, 351)"/>
        <xsl:with-param name="first" select="false()"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="pci">
    <xsl:param name="s"/>
    <SG32>
      <PCI><D4233/><C210><xsl:call-template name="chunks"><xsl:with-param name="s" select="substring($s, 1, 350)"/><xsl:with-param name="n" select="35"/><xsl:with-param name="max" select="10"/><xsl:with-param name="tag" select="'D7102'"/></xsl:call-template></C210></PCI>
    </SG32>
    <xsl:if test="string-length($s) &gt; 350">
      <xsl:call-template name="pci"><xsl:with-param name="s" select="substring($s, 351)"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="mea">
    <xsl:param name="q"/>
    <MEA>
      <D6311>WT</D6311>
      <C502><D6313><xsl:value-of select="$q"/></D6313></C502>
      <C174>
        <D6411>
          <xsl:choose>
            <xsl:when test="@unitCode"><xsl:value-of select="@unitCode"/></xsl:when>
            <xsl:otherwise>KGM</xsl:otherwise>
          </xsl:choose>
        </D6411>
        <D6314><xsl:value-of select="normalize-space(.)"/></D6314>
      </C174>
    </MEA>
  </xsl:template>

  <xsl:template name="moa">
    <xsl:param name="q"/>
    <MOA><C516>
      <D5025><xsl:value-of select="$q"/></D5025>
      <D5004><xsl:value-of select="normalize-space(.)"/></D5004>
      <D6345><xsl:value-of select="@currencyID"/></D6345>
    </C516></MOA>
  </xsl:template>

  <!-- DOC for an AdditionalDocument: C002 1001 its CDS type, 1131 its
       category, 1000 its name; C503 1004 its ID, 1366 (free text in
       D.96B) its LPCO status (the CDS list has no UNCL 1373 equivalent). -->
  <xsl:template name="additional-document">
    <DOC>
      <C002>
        <D1001><xsl:value-of select="w:TypeCode"/></D1001>
        <D1131><xsl:value-of select="w:CategoryCode"/></D1131>
        <D3055><xsl:value-of select="$agency"/></D3055>
        <D1000><xsl:value-of select="w:Name"/></D1000>
      </C002>
      <C503>
        <D1004><xsl:value-of select="w:ID"/></D1004>
        <D1373/>
        <D1366><xsl:value-of select="w:LPCOExemptionCode"/></D1366>
      </C503>
    </DOC>
  </xsl:template>

  <!-- DOC for a PreviousDocument: as an additional document, with C002/1000
       'PREVIOUS' and C503/1366 the line in the previous document. -->
  <xsl:template name="previous-document">
    <DOC>
      <C002>
        <D1001><xsl:value-of select="w:TypeCode"/></D1001>
        <D1131><xsl:value-of select="w:CategoryCode"/></D1131>
        <D3055><xsl:value-of select="$agency"/></D3055>
        <D1000>PREVIOUS</D1000>
      </C002>
      <C503>
        <D1004><xsl:value-of select="w:ID"/></D1004>
        <D1373/>
        <D1366><xsl:value-of select="w:LineNumeric"/></D1366>
      </C503>
    </DOC>
  </xsl:template>

  <!-- The message without empty data elements and composites at the end of
       a segment or composite (the positions before a given one stay). -->
  <xsl:template match="*" mode="trim">
    <xsl:copy>
      <xsl:apply-templates select="@* | *[string(.) != '' or following-sibling::*[string(.) != '']] | text()" mode="trim"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="@* | text()" mode="trim">
    <xsl:copy/>
  </xsl:template>

  <!-- Up to max elements named tag holding n characters each of s. -->
  <xsl:template name="chunks">
    <xsl:param name="s"/>
    <xsl:param name="n"/>
    <xsl:param name="max"/>
    <xsl:param name="tag"/>
    <xsl:if test="string($s) != '' and $max &gt; 0">
      <xsl:element name="{$tag}" namespace="urn:tdk:edifact:directory:1"><xsl:value-of select="substring($s, 1, $n)"/></xsl:element>
      <xsl:call-template name="chunks">
        <xsl:with-param name="s" select="substring($s, $n + 1)"/>
        <xsl:with-param name="n" select="$n"/>
        <xsl:with-param name="max" select="$max - 1"/>
        <xsl:with-param name="tag" select="$tag"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- ===== What CUSDEC does not carry: every other element, reported ===== -->

  <xsl:template match="*" mode="check">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason" select="'no place in the CUSDEC this map writes'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="unmapped">
    <xsl:param name="reason"/>
    <xsl:choose>
      <xsl:when test="function-available('tdk:unmapped')">
        <xsl:value-of select="tdk:unmapped(., $reason)"/>
      </xsl:when>
      <xsl:when test="$trace = 'yes'">
        <xsl:message>unmapped: <xsl:for-each select="ancestor-or-self::*"><xsl:value-of select="concat('/', local-name())"/></xsl:for-each><xsl:if test="not(self::*)">/@<xsl:value-of select="name()"/></xsl:if>: <xsl:value-of select="$reason"/></xsl:message>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- Carried only up to the room CUSDEC gives: C100/4052 twice 70 characters. -->
  <xsl:template mode="check" priority="2" match="w:TradeTerms/w:Description[string-length(.) &gt; 140]">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason" select="'longer than the 140 characters of TOD C100/4052 (twice an..70); the first 140 are carried'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The envelope: cusdec-to-wco writes the CDS values again; others are reported. -->
  <xsl:template mode="check" match="md:WCODataModelVersionCode[. = '3.6'] | md:WCOTypeName[. = 'DEC']
      | md:ResponsibleCountryCode[. = 'GB'] | md:ResponsibleAgencyName[. = 'HMRC']
      | md:AgencyAssignedCustomizationVersionCode[. = 'v2.1']"/>

  <!-- Containers carried: look inside. -->
  <xsl:template mode="check" match="w:Declaration | w:GoodsShipment | w:GovernmentAgencyGoodsItem | w:Commodity
      | w:GoodsMeasure | w:InvoiceLine | w:Consignment[parent::w:GoodsShipment] | w:GoodsLocation | w:GoodsLocation/w:Address
      | w:Declarant | w:Exporter | w:Agent | w:Importer | w:Consignee | w:AuthorisationHolder | w:Address
      | w:BorderTransportMeans | w:TradeTerms | w:Destination | w:ExportCountry | w:Origin | w:GovernmentProcedure
      | w:Packaging | w:PreviousDocument | w:AdditionalDocument | w:AdditionalInformation | w:CustomsValuation
      | w:Classification[position() &lt;= 5] | w:ExitOffice | w:ValuationAdjustment
      | w:ArrivalTransportMeans | w:DepartureTransportMeans | w:Warehouse | w:GoodsShipment/w:UCR
      | w:DutyTaxFee | w:DutyTaxFee/w:Payment">
    <xsl:apply-templates select="@* | *" mode="check"/>
  </xsl:template>

  <!-- Attributes: an amount's currency, a mass's unit and a date's format are carried; others are reported. -->
  <xsl:template match="@*" mode="check">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason" select="'no place in the CUSDEC this map writes for this attribute'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template mode="check" match="@currencyID | w:GrossMassMeasure/@unitCode | w:NetNetWeightMeasure/@unitCode
      | w:SpecificTaxBaseQuantity/@unitCode"/>

  <!-- A duty's third amount: the group holds two MOA. -->
  <xsl:template mode="check" priority="2" match="w:Payment/w:PaymentAmount[../w:TaxAssessedAmount and ../../w:AdValoremTaxBaseAmount]">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason" select="'a third amount of one duty: the TAX group of CUSDEC holds two MOA'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Leaves carried (in their carried containers). -->
  <xsl:template mode="check" match="w:Declaration/w:FunctionCode | w:FunctionalReferenceID | w:Declaration/w:TypeCode
      | w:Declaration/w:ID | w:GoodsItemQuantity | w:TotalPackageQuantity | w:InvoiceAmount | w:DeclarationOfficeID
      | w:AcceptanceDateTime | w:IssueDateTime | w:TransactionNatureCode
      | w:Declarant/w:Name | w:Exporter/w:Name | w:Agent/w:Name | w:Importer/w:Name | w:Consignee/w:Name
      | w:GovernmentAgencyGoodsItem/w:AdditionalDocument/w:Name | w:GoodsLocation/w:Name
      | w:ID[not(parent::w:UCR)] | w:CategoryCode | w:Agent/w:FunctionCode
      | w:Address[not(parent::w:GoodsLocation)]/w:Line | w:Address[not(parent::w:GoodsLocation)]/w:CityName
      | w:Address[not(parent::w:GoodsLocation)]/w:PostcodeID | w:Address/w:CountryCode
      | w:Address[not(parent::w:GoodsLocation)]/w:CountrySubDivisionCode | w:GoodsLocation/w:Address/w:TypeCode | w:GoodsLocation/w:TypeCode
      | w:IdentificationTypeCode | w:ModeCode | w:ContainerCode | w:Warehouse/w:TypeCode | w:TraderAssignedReferenceID
      | w:BorderTransportMeans/w:RegistrationNationalityCode
      | w:TradeTerms/w:ConditionCode | w:TradeTerms/w:Description | w:TradeTerms/w:LocationID | w:TradeTerms/w:LocationName
      | w:Destination/w:CountryCode | w:Origin/w:CountryCode | w:Origin/w:TypeCode
      | w:GovernmentAgencyGoodsItem/w:SequenceNumeric
      | w:Packaging/w:SequenceNumeric[. = count(../preceding-sibling::w:Packaging) + 1]
      | w:StatisticalValueAmount | w:CustomsValueAmount | w:Description | w:IdentificationTypeCode
      | w:GrossMassMeasure | w:NetNetWeightMeasure | w:ItemChargeAmount
      | w:CurrentCode | w:PreviousCode | w:MarksNumbersID | w:QuantityQuantity[parent::w:Packaging] | w:Packaging/w:TypeCode
      | w:PreviousDocument/w:TypeCode | w:PreviousDocument/w:LineNumeric | w:AdditionalDocument/w:TypeCode
      | w:LPCOExemptionCode | w:StatementCode | w:StatementDescription | w:StatementTypeCode
      | w:CustomsValuation/w:MethodCode | w:FreightChargeAmount | w:AdditionCode
      | w:DutyTaxFee/w:TypeCode | w:QuotaOrderID | w:SpecificTaxBaseQuantity | w:DutyRegimeCode | w:TaxRateNumeric
      | w:AdValoremTaxBaseAmount | w:TaxAssessedAmount | w:PaymentAmount | w:Payment/w:MethodCode">
    <xsl:apply-templates select="@* | */@*[name() != 'formatCode']" mode="check"/>
  </xsl:template>
</xsl:stylesheet>
