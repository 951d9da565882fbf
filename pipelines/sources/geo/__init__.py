"""Region geometry: the CBS/Kadaster Wijk- en buurtkaart, read (``kaart``), loaded (``load``) and prepared for the
browser (``shapes``)."""
