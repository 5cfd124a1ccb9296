<?xml version="1.0" encoding="UTF-8"?>
<!-- A test map: the LRN and the declarant of a CUSDEC, the rest reported as not carried. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:e="urn:tdk:edifact:directory:1" xmlns:tdk="urn:tdk:xslt:1"
    xmlns="urn:test:lrn" exclude-result-prefixes="e tdk">
  <xsl:output method="xml" indent="yes"/>
  <xsl:template match="/">
    <lrn-list><xsl:apply-templates select="//e:message"/></lrn-list>
  </xsl:template>
  <xsl:template match="e:message">
    <lrn function="{tdk:uncl(@release, '1225', e:BGM/e:D1225)}"><xsl:value-of select="e:BGM/e:C106/e:D1004"/></lrn>
    <declarant><xsl:value-of select="e:SG6/e:NAD[e:D3035='DT']/e:C082/e:D3039"/></declarant>
    <date><xsl:value-of select="tdk:date(e:DTM/e:C507/e:D2380, '304')"/></date>
    <xsl:value-of select="tdk:unmapped(e:SG30/e:CST/e:C246/e:D7361, 'no place for the tariff code')"/>
    <xsl:value-of select="tdk:unmapped(e:SG7/e:TOD, 'no place for the terms of delivery')"/>
  </xsl:template>
</xsl:stylesheet>
