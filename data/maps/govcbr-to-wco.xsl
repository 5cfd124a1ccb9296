<?xml version="1.0" encoding="UTF-8"?>
<!--
  govcbr-to-wco: a UN/EDIFACT GOVCBR message (Government Cross Border
  Regulatory message, the WCO Data Model's own EDIFACT message), as tdk's
  EDIFACT XML in directory names (tdk convert -t xml names directory), to a
  WCO DM declaration in the Dutch single window's MAI 01A form (Maritime
  Arrival Information, namespace urn:wco:datamodel:WCO:MAI:01A).

  What goes where (the segment table of GOVCBR D.16A; D.15A agrees for these):
    BGM C002 1001            Declaration/TypeCode (MAI)
    BGM C106 1056            Declaration/VersionID
    BGM 1225                 Declaration/FunctionCode
    DTM 2005=137             Declaration/IssueDateTime/DateTimeString (format 304)
    RFF 1153=APG             Declaration/FunctionalReferenceID
    RFF 1153=ACW             Declaration/PreviousDocument/ID
    SG34 TDT 8051=11         Declaration/BorderTransportMeans: C222 8213 the ID,
                             C222 1131 its IdentificationTypeCode, C001 8179
                             the TypeCode, C220 8067 the transport mode (MAI
                             has no element for it: maritime is implied)
    SG34 RFF 1153=ATZ        BorderTransportMeans/StayID
    SG34 SG36 LOC 3227=153   BorderTransportMeans/Itinerary/ID (port of call)
    SG7 NAD 3035=DT          Declaration/Declarant: RoleCode, C082 3039 the ID,
                             C080 3036 the Name (written empty when absent:
                             MAI requires the element)
    SG7 SG8 CTA 3139=IC      Declarant/Contact/Name (C056 3412)
    SG7 SG8 COM              Declarant/Communication (C076 3148 ID, 3155 TypeCode)

  The code-list qualifiers that the B2SW message implementation guide puts
  beside the values (BGM C002 M50/ZZZ, TDT C001 A27/ZZZ, C222 ZZZ, LOC C517
  N21/ZZZ), the mandatory HYN 3 (no hierarchy), the section controls and the
  message header and trailer are read as structure: wco-to-govcbr writes them
  back, and so is SG36's SEQ when it holds the group's position (1 for the
  first port of call), which is what wco-to-govcbr writes.  Every other data element that has a value goes through
  tdk:unmapped() with its position, so that nothing is dropped silently.
  Under xsltproc, which lacks tdk's extension functions, the same report is
  an xsl:message.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:e="urn:tdk:edifact:directory:1"
    xmlns:tdk="urn:tdk:xslt:1"
    xmlns="urn:wco:datamodel:WCO:MAI:01A"
    xmlns:ds="urn:wco:datamodel:WCO:B2SW_DS:01A"
    exclude-result-prefixes="e tdk">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <!-- The message mapped: the first GOVCBR; any other message is reported. -->
  <xsl:variable name="msg" select="(//e:message[@type = 'GOVCBR'])[1]"/>

  <!-- The segments and groups each element of the declaration comes from.
       The consumed-node patterns further down repeat these predicates. -->
  <xsl:variable name="issue" select="$msg/e:DTM[e:C507/e:D2005 = '137'][1]"/>
  <xsl:variable name="lrn" select="$msg/e:RFF[e:C506/e:D1153 = 'APG'][1]"/>
  <xsl:variable name="prev" select="$msg/e:RFF[e:C506/e:D1153 = 'ACW'][1]"/>
  <xsl:variable name="btm" select="$msg/e:SG34[e:TDT/e:D8051 = '11'][1]"/>
  <xsl:variable name="party" select="$msg/e:SG7[e:NAD/e:D3035 = 'DT'][1]"/>

  <xsl:template match="/">
    <xsl:if test="not($msg)">
      <xsl:message terminate="yes">govcbr-to-wco: the input holds no GOVCBR message in tdk's directory names</xsl:message>
    </xsl:if>
    <Declaration>
      <FunctionCode><xsl:value-of select="$msg/e:BGM/e:D1225"/></FunctionCode>
      <FunctionalReferenceID><xsl:value-of select="$lrn/e:C506/e:D1154"/></FunctionalReferenceID>
      <IssueDateTime>
        <ds:DateTimeString formatCode="304">
          <xsl:call-template name="date304">
            <xsl:with-param name="value" select="string($issue/e:C507/e:D2380)"/>
            <xsl:with-param name="format" select="string($issue/e:C507/e:D2379)"/>
          </xsl:call-template>
        </ds:DateTimeString>
      </IssueDateTime>
      <TypeCode><xsl:value-of select="$msg/e:BGM/e:C002/e:D1001"/></TypeCode>
      <VersionID><xsl:value-of select="$msg/e:BGM/e:C106/e:D1056"/></VersionID>
      <xsl:apply-templates select="$btm"/>
      <xsl:apply-templates select="$party"/>
      <xsl:if test="$prev">
        <PreviousDocument><ID><xsl:value-of select="$prev/e:C506/e:D1154"/></ID></PreviousDocument>
      </xsl:if>
    </Declaration>
    <!-- What the declaration does not carry, in document order. -->
    <xsl:apply-templates select="//e:message" mode="left"/>
  </xsl:template>

  <xsl:template match="e:SG34">
    <BorderTransportMeans>
      <ID><xsl:value-of select="e:TDT/e:C222/e:D8213"/></ID>
      <IdentificationTypeCode><xsl:value-of select="e:TDT/e:C222/e:D1131"/></IdentificationTypeCode>
      <TypeCode><xsl:value-of select="e:TDT/e:C001/e:D8179"/></TypeCode>
      <xsl:for-each select="e:RFF[e:C506/e:D1153 = 'ATZ'][1]">
        <StayID><xsl:value-of select="e:C506/e:D1154"/></StayID>
      </xsl:for-each>
      <Itinerary>
        <ID><xsl:value-of select="e:SG36[e:LOC/e:D3227 = '153'][1]/e:LOC/e:C517/e:D3225"/></ID>
      </Itinerary>
    </BorderTransportMeans>
  </xsl:template>

  <xsl:template match="e:SG7">
    <Declarant>
      <Name><xsl:value-of select="e:NAD/e:C080/e:D3036[1]"/></Name>
      <ID><xsl:value-of select="e:NAD/e:C082/e:D3039"/></ID>
      <RoleCode><xsl:value-of select="e:NAD/e:D3035"/></RoleCode>
      <Contact>
        <Name><xsl:value-of select="e:SG8[e:CTA/e:D3139 = 'IC'][1]/e:CTA/e:C056/e:D3412"/></Name>
      </Contact>
      <xsl:for-each select="e:SG8/e:COM/e:C076">
        <Communication>
          <ID><xsl:value-of select="e:D3148"/></ID>
          <TypeCode><xsl:value-of select="e:D3155"/></TypeCode>
        </Communication>
      </xsl:for-each>
    </Declarant>
  </xsl:template>

  <!-- A date and time in format 304 (CCYYMMDDhhmmss and a zone): as it is
       when the message says 304, else rewritten by tdk:date(). -->
  <xsl:template name="date304">
    <xsl:param name="value"/>
    <xsl:param name="format"/>
    <xsl:choose>
      <xsl:when test="$format = '304' or not(function-available('tdk:date'))">
        <xsl:value-of select="$value"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="tdk:date($value, '304')"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    Mode "left": every data element with a value that the declaration does
    not carry is reported.  The templates below without a body name what is
    carried or read as structure; the last one reports the rest.
  -->
  <xsl:template match="e:UNH | e:UNT | e:UNS | e:HYN[e:D7173 = '3']" mode="left"/>
  <xsl:template match="e:message/e:BGM/e:C002/e:D1001 | e:message/e:BGM/e:C106/e:D1056
                       | e:message/e:BGM/e:D1225" mode="left"/>
  <xsl:template match="e:message/e:BGM/e:C002/e:D1131[. = 'M50'] | e:message/e:BGM/e:C002/e:D3055[. = 'ZZZ']"
                mode="left"/>
  <xsl:template match="e:message/e:DTM[e:C507/e:D2005 = '137'][1]" mode="left"/>
  <xsl:template match="e:message/e:RFF[e:C506/e:D1153 = 'APG'][1]" mode="left"/>
  <xsl:template match="e:message/e:RFF[e:C506/e:D1153 = 'ACW'][1]" mode="left"/>
  <xsl:template match="e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:TDT/e:D8051
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:TDT/e:C222/e:D8213
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:TDT/e:C222/e:D1131
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:TDT/e:C222/e:D3055[. = 'ZZZ']
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:TDT/e:C001/e:D8179
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:TDT/e:C001/e:D1131[. = 'A27']
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:TDT/e:C001/e:D3055[. = 'ZZZ']
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:TDT/e:C220/e:D8067[. = '1']"
                mode="left"/>
  <xsl:template match="e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:RFF[e:C506/e:D1153 = 'ATZ'][1]" mode="left"/>
  <xsl:template match="e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:SG36[e:LOC/e:D3227 = '153'][1]/e:LOC/e:D3227
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:SG36[e:LOC/e:D3227 = '153'][1]/e:LOC/e:C517/e:D3225
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:SG36[e:LOC/e:D3227 = '153'][1]/e:LOC/e:C517/e:D1131[. = 'N21']
                       | e:message/e:SG34[e:TDT/e:D8051 = '11'][1]/e:SG36[e:LOC/e:D3227 = '153'][1]/e:LOC/e:C517/e:D3055[. = 'ZZZ']
                       | e:message/e:SG34/e:SG36/e:SEQ/e:C286/e:D1050[. = count(../../../preceding-sibling::e:SG36) + 1]"
                mode="left"/>
  <xsl:template match="e:message/e:SG7[e:NAD/e:D3035 = 'DT'][1]/e:NAD/e:D3035
                       | e:message/e:SG7[e:NAD/e:D3035 = 'DT'][1]/e:NAD/e:C082/e:D3039
                       | e:message/e:SG7[e:NAD/e:D3035 = 'DT'][1]/e:NAD/e:C080/e:D3036[1]
                       | e:message/e:SG7[e:NAD/e:D3035 = 'DT'][1]/e:SG8/e:CTA/e:D3139[. = 'IC' or . = 'AH']
                       | e:message/e:SG7[e:NAD/e:D3035 = 'DT'][1]/e:SG8[e:CTA/e:D3139 = 'IC'][1]/e:CTA/e:C056/e:D3412
                       | e:message/e:SG7[e:NAD/e:D3035 = 'DT'][1]/e:SG8/e:COM/e:C076/e:D3148
                       | e:message/e:SG7[e:NAD/e:D3035 = 'DT'][1]/e:SG8/e:COM/e:C076/e:D3155"
                mode="left"/>

  <xsl:template match="*[not(*)][normalize-space(.) != '']" mode="left" priority="-1">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason">the MAI 01A declaration has no place for it</xsl:with-param>
    </xsl:call-template>
  </xsl:template>
  <xsl:template match="text()" mode="left"/>
  <xsl:template match="e:message[@type != 'GOVCBR'] | e:message[count(preceding::e:message[@type = 'GOVCBR']) &gt; 0]"
                mode="left">
    <xsl:call-template name="unmapped">
      <xsl:with-param name="reason">one declaration is made from the first GOVCBR message only</xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- tdk:unmapped() reports the node with its position; under another
       XSLT processor, a message names the segment's line and the element.
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
          <xsl:text>unmapped: line </xsl:text>
          <xsl:value-of select="ancestor-or-self::*[@line][1]/@line"/>
          <xsl:text>: </xsl:text>
          <xsl:for-each select="ancestor-or-self::*[ancestor::e:message]">
            <xsl:if test="position() &gt; 1">/</xsl:if>
            <xsl:value-of select="local-name()"/>
          </xsl:for-each>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="$reason"/>
        </xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
