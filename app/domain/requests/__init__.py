"""Leave, overtime and other requests with approval chains (issue 10, leave part).

Pure rules shared by the device and the server: request types and their checks
(``kinds``), HK general holidays shipped as data (``hk_holidays``), chains, conditions and
delegation (``chains``), the walk along a route (``flow``) and leave balances (``balance``).
"""
