"""Save and load a component's numpy arrays in its Rasa model resource.

Arrays go into one ``.npz`` read back with ``allow_pickle=False``, so loading
a model never unpickles code, unlike joblib or pickle files.
"""

from __future__ import annotations

import numpy as np
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

FILE_NAME = "arrays.npz"


def save_arrays(
    model_storage: ModelStorage, resource: Resource, arrays: dict[str, np.ndarray]
) -> None:
    """Write ``arrays`` into ``resource`` (replacing what was there)."""
    with model_storage.write_to(resource) as directory:
        np.savez_compressed(directory / FILE_NAME, **arrays)


def load_arrays(model_storage: ModelStorage, resource: Resource) -> dict[str, np.ndarray]:
    """Read the arrays :func:`save_arrays` wrote.

    Raises:
        ValueError: The resource or its array file does not exist.
    """
    with model_storage.read_from(resource) as directory:
        path = directory / FILE_NAME
        if not path.is_file():
            raise ValueError(f"no {FILE_NAME} in resource '{resource.name}'")
        with np.load(path, allow_pickle=False) as stored:
            return {key: stored[key] for key in stored.files}
