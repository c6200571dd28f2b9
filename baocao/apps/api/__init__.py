"""The JSON API: units, campaigns, report status and indicator values for other software (the
union's membership system pushing member counts), token-authenticated, described by the
OpenAPI document at /api/openapi.json (`openapi.py`). Writes go through the same actions,
permissions and validation as the web pages."""
