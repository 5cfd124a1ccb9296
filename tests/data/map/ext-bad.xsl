<?xml version="1.0" encoding="UTF-8"?>
<!-- tdk:unmapped given a string where it takes nodes. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:tdk="urn:tdk:xslt:1">
  <xsl:template match="/"><out><xsl:value-of select="tdk:unmapped('x', 'y')"/></out></xsl:template>
</xsl:stylesheet>
