"""Validates and executes every notebook of a folder headless, as a reader would run them.

Usage: python execute.py DIR

Prints one JSON object: for each notebook, whether it is valid nbformat (and the validation
error if not), the errors its cells raised, and the text its cells printed. The notebooks
are executed in their own folder (their paths to the tables are relative to it) and are not
rewritten: no output is stored in them.
"""

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def run(path):
    notebook = nbformat.read(path, as_version=4)
    result = {"valid": True, "validation_error": None, "errors": [], "stdout": ""}
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        result["valid"] = False
        result["validation_error"] = str(error)[:2000]
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as error:
        result["errors"].append(str(error)[:4000])
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                result["errors"].append(f"{output.get('ename')}: {output.get('evalue')}")
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                result["stdout"] += output.get("text", "")
    return result


def main():
    folder = Path(sys.argv[1])
    print(json.dumps({path.name: run(path) for path in sorted(folder.glob("*.ipynb"))}))


if __name__ == "__main__":
    main()
