"""The offline map: the page (:mod:`geomap.map.render`) and its bundled assets (:mod:`geomap.map.assets`).

Depends on the records (the event table) and the region outlines only.
"""
