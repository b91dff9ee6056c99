#!/usr/bin/env python3
"""Validates an XML file against an ISO 20022 schema that the sepaxml package ships.

    validate-xml.py SCHEMA_NAME FILE

SCHEMA_NAME is the schema's file name without .xsd (pain.001.001.03). Exits 0 when the file
is valid, 1 (with the validator's reason on stderr) when it is not, 2 when the schema is not
shipped or the arguments are wrong. Run it with the python of scripts/xml-tools.sh.
"""

import os
import sys

import sepaxml
import xmlschema


def main(arguments):
    if len(arguments) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    name, path = arguments
    schema_path = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", name + ".xsd")
    if not os.path.isfile(schema_path):
        print(f"validate-xml: sepaxml ships no schema {name}", file=sys.stderr)
        return 2
    schema = xmlschema.XMLSchema(schema_path)
    try:
        schema.validate(path)
    except (xmlschema.XMLSchemaException, SyntaxError) as error:
        print(f"validate-xml: {path} is not a valid {name}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
