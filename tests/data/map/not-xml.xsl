not xml at all
