<?xml version="1.0" encoding="UTF-8"?>
<!-- tdk:code given one argument of its two. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:tdk="urn:tdk:xslt:1">
  <xsl:template match="/"><out><xsl:value-of select="tdk:code('country')"/></out></xsl:template>
</xsl:stylesheet>
