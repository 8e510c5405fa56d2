// libxml2, used directly by the FHIR target for XML (Debian: libxml2-dev).
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
