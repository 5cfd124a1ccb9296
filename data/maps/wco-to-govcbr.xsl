<?xml version="1.0" encoding="UTF-8"?>
<!--
  wco-to-govcbr: a WCO DM declaration in the Dutch single window's MAI 01A
  form (Maritime Arrival Information, urn:wco:datamodel:WCO:MAI:01A) to a
  UN/EDIFACT GOVCBR D.16A interchange, written as tdk's EDIFACT XML in
  directory names (tdk convert -f xml -t edifact turns it into EDIFACT).
  It is the inverse of govcbr-to-wco; the table of what goes where is there.

  The directory form is read by position: every data element and component
  up to the last one with a value is written, empty ones too.

  What the declaration does not say and GOVCBR needs:
    - the interchange header: syntax UNOW 4 (UTF-8, any character of the
      declaration), the sender (parameter sender, by default the declarant's
      ID), the recipient (parameter recipient), the preparation date and time
      (the declaration's IssueDateTime) and the control reference (parameter
      reference);
    - the code-list qualifiers that the B2SW message implementation guide
      puts beside the values (BGM C002 M50/ZZZ, TDT C001 A27/ZZZ, C222 ZZZ,
      LOC C517 N21/ZZZ), and UNH's association assigned code MAI01A;
    - the mode of transport, C220 8067, which GOVCBR D.16A requires beside
      C001 (dependency note D5(040,030)) and MAI 01A has no element for: 1,
      maritime transport (UN/ECE Recommendation 19), since MAI declares a
      ship's arrival; parameter transport-mode;
    - the contact functions: IC (information contact) for Contact/Name, AH
      (coordination contact) for the group of Communication numbers, nine
      to a CTA (SG8 allows nine COM);
    - the sequence of the port of call (SG36 SEQ, mandatory): its position
      in the itinerary;
    - HYN 3 (no hierarchy), mandatory in the detail section.
  An element of the declaration that this map does not know goes through
  tdk:unmapped() (an xsl:message under xsltproc).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:m="urn:wco:datamodel:WCO:MAI:01A"
    xmlns:ds="urn:wco:datamodel:WCO:B2SW_DS:01A"
    xmlns:tdk="urn:tdk:xslt:1"
    xmlns="urn:tdk:edifact:directory:1"
    exclude-result-prefixes="m ds tdk">

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:param name="sender" select="string(/m:Declaration/m:Declarant/m:ID)"/>
  <xsl:param name="recipient" select="'RECIPIENT'"/>
  <xsl:param name="reference" select="'1'"/>
  <xsl:param name="transport-mode" select="'1'"/>

  <xsl:variable name="d" select="/m:Declaration"/>
  <!-- IssueDateTime as DateTimeString (the schema's form) or as bare text
       (the form of the published sample); under tdk, another form that
       tdk:date() reads (ISO 8601) is rewritten to format 304. -->
  <xsl:variable name="issue-text" select="normalize-space($d/m:IssueDateTime)"/>
  <xsl:variable name="issue">
    <xsl:choose>
      <xsl:when test="function-available('tdk:date') and tdk:date($issue-text, '304') != ''">
        <xsl:value-of select="tdk:date($issue-text, '304')"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$issue-text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="comms" select="$d/m:Declarant/m:Communication"/>
  <xsl:variable name="btm" select="$d/m:BorderTransportMeans"/>
  <!-- UNH, BGM, DTM, RFF, NAD, the CTAs and COMs, the transport group,
       UNS, HYN, UNS and UNT. -->
  <xsl:variable name="count" select="4 + count($d/m:PreviousDocument) + count($d/m:Declarant)
      + count($d/m:Declarant/m:Contact) + ceiling(count($comms) div 9) + count($comms)
      + count($btm) + count($btm/m:StayID) + count($btm/m:Itinerary) * 2 + 4"/>

  <xsl:template match="/">
    <xsl:if test="not($d)">
      <xsl:message terminate="yes">wco-to-govcbr: the input is no MAI 01A Declaration (urn:wco:datamodel:WCO:MAI:01A)</xsl:message>
    </xsl:if>
    <edifact>
      <interchange charset="UNOW" version="4">
        <segment tag="UNB">
          <e><c>UNOW</c><c>4</c></e>
          <e><xsl:value-of select="$sender"/></e>
          <e><xsl:value-of select="$recipient"/></e>
          <e><c><xsl:value-of select="substring($issue, 1, 8)"/></c><c><xsl:value-of select="substring($issue, 9, 4)"/></c></e>
          <e><xsl:value-of select="$reference"/></e>
        </segment>
        <message type="GOVCBR" release="D16A">
          <UNH ws="&#10;"><D0062>1</D0062><S009><D0065>GOVCBR</D0065><D0052>D</D0052><D0054>16A</D0054><D0051>UN</D0051><D0057>MAI01A</D0057></S009></UNH>
          <BGM ws="&#10;">
            <C002><D1001><xsl:value-of select="$d/m:TypeCode"/></D1001><D1131>M50</D1131><D3055>ZZZ</D3055></C002>
            <C106><D1004/><D1056><xsl:value-of select="$d/m:VersionID"/></D1056></C106>
            <D1225><xsl:value-of select="$d/m:FunctionCode"/></D1225>
          </BGM>
          <DTM ws="&#10;"><C507><D2005>137</D2005><D2380><xsl:value-of select="$issue"/></D2380><D2379>304</D2379></C507></DTM>
          <RFF ws="&#10;"><C506><D1153>APG</D1153><D1154><xsl:value-of select="$d/m:FunctionalReferenceID"/></D1154></C506></RFF>
          <xsl:for-each select="$d/m:PreviousDocument">
            <RFF ws="&#10;"><C506><D1153>ACW</D1153><D1154><xsl:value-of select="m:ID"/></D1154></C506></RFF>
          </xsl:for-each>
          <xsl:apply-templates select="$d/m:Declarant"/>
          <xsl:apply-templates select="$btm"/>
          <UNS ws="&#10;"><D0081>D</D0081></UNS>
          <HYN ws="&#10;"><D7173>3</D7173></HYN>
          <UNS ws="&#10;"><D0081>S</D0081></UNS>
          <UNT ws="&#10;"><D0074><xsl:value-of select="$count"/></D0074><D0062>1</D0062></UNT>
        </message>
        <segment tag="UNZ" ws="&#10;"><e>1</e><e><xsl:value-of select="$reference"/></e></segment>
      </interchange>
      <end ws="&#10;"/>
    </edifact>
    <xsl:apply-templates select="$d" mode="left"/>
  </xsl:template>

  <xsl:template match="m:Declarant">
    <SG7>
      <NAD ws="&#10;">
        <D3035><xsl:value-of select="m:RoleCode"/></D3035>
        <C082><D3039><xsl:value-of select="m:ID"/></D3039></C082>
        <xsl:if test="normalize-space(m:Name) != ''">
          <C058/><C080><D3036><xsl:value-of select="m:Name"/></D3036></C080>
        </xsl:if>
      </NAD>
      <xsl:for-each select="m:Contact">
        <SG8><CTA ws="&#10;"><D3139>IC</D3139><C056><D3413/><D3412><xsl:value-of select="m:Name"/></D3412></C056></CTA></SG8>
      </xsl:for-each>
      <xsl:for-each select="m:Communication[position() mod 9 = 1]">
        <SG8>
          <CTA ws="&#10;"><D3139>AH</D3139></CTA>
          <xsl:for-each select=". | following-sibling::m:Communication[position() &lt; 9]">
            <COM ws="&#10;"><C076><D3148><xsl:value-of select="m:ID"/></D3148><D3155><xsl:value-of select="m:TypeCode"/></D3155></C076></COM>
          </xsl:for-each>
        </SG8>
      </xsl:for-each>
    </SG7>
  </xsl:template>

  <xsl:template match="m:BorderTransportMeans">
    <SG34>
      <TDT ws="&#10;">
        <D8051>11</D8051>
        <D8028/>
        <C220><D8067><xsl:value-of select="$transport-mode"/></D8067></C220>
        <C001><D8179><xsl:value-of select="m:TypeCode"/></D8179><D1131>A27</D1131><D3055>ZZZ</D3055></C001>
        <C040/><D8101/><C401/>
        <C222><D8213><xsl:value-of select="m:ID"/></D8213><D1131><xsl:value-of select="m:IdentificationTypeCode"/></D1131><D3055>ZZZ</D3055></C222>
      </TDT>
      <xsl:for-each select="m:StayID">
        <RFF ws="&#10;"><C506><D1153>ATZ</D1153><D1154><xsl:value-of select="."/></D1154></C506></RFF>
      </xsl:for-each>
      <xsl:for-each select="m:Itinerary">
        <SG36>
          <LOC ws="&#10;"><D3227>153</D3227><C517><D3225><xsl:value-of select="m:ID"/></D3225><D1131>N21</D1131><D3055>ZZZ</D3055></C517></LOC>
          <SEQ ws="&#10;"><D1229/><C286><D1050><xsl:value-of select="position()"/></D1050></C286></SEQ>
        </SG36>
      </xsl:for-each>
    </SG34>
  </xsl:template>

  <!--
    Mode "left": the elements of the declaration this map carries; any other
    element with a value is reported.
  -->
  <xsl:template match="m:Declaration/m:FunctionCode | m:Declaration/m:FunctionalReferenceID
                       | m:Declaration/m:IssueDateTime | m:Declaration/m:TypeCode | m:Declaration/m:VersionID
                       | m:PreviousDocument/m:ID
                       | m:BorderTransportMeans/m:ID | m:BorderTransportMeans/m:IdentificationTypeCode
                       | m:BorderTransportMeans/m:TypeCode | m:BorderTransportMeans/m:StayID | m:Itinerary/m:ID
                       | m:Declarant/m:Name | m:Declarant/m:ID | m:Declarant/m:RoleCode | m:Contact/m:Name
                       | m:Communication/m:ID | m:Communication/m:TypeCode" mode="left"/>
  <xsl:template match="*[not(*)][normalize-space(.) != '']" mode="left" priority="-1">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason">GOVCBR as this map writes it has no place for it</xsl:with-param>
    </xsl:call-template>
  </xsl:template>
  <xsl:template match="text()" mode="left"/>

  <!-- tdk:unmapped() reports the node with its line and XPath; under
       another XSLT processor, a message names the element's path.
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
          <xsl:for-each select="ancestor-or-self::*">/<xsl:value-of select="local-name()"/></xsl:for-each>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="$reason"/>
        </xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
