"""Writes tests/data/<name>.json: the cnncalc specs of keras.applications models (weights=None).

The specs come from cnncalc's Keras importer (model.to_json() → spec); tests read these files
so they need not build the models in Keras each run. Regenerate after a Keras upgrade:

    python scripts/build_application_fixtures.py
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

APPLICATIONS = {"resnet50": "ResNet50", "inception_v3": "InceptionV3", "densenet121": "DenseNet121"}
DATA = Path(__file__).parent.parent / "tests" / "data"


def main() -> None:
    import keras

    import cnncalc

    for file_name, class_name in APPLICATIONS.items():
        keras.backend.clear_session()  # fresh auto-names: input_layer, not input_layer_2
        model = getattr(keras.applications, class_name)(weights=None)
        spec = cnncalc.from_keras(model)
        path = DATA / f"{file_name}.json"
        path.write_text(spec.to_json() + "\n", encoding="utf-8")
        print(f"wrote {path} ({len(spec.layers)} layers, {model.count_params():,} params)")


if __name__ == "__main__":
    main()
