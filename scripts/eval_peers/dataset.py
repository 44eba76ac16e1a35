"""Loading a sequence dataset and splitting it by the leave-one-out protocol.

The format (see ../shared/datasets/README.md): one shopper a line, ``user item1
item2 …``, items in time order, separated by white space. Ids are opaque tokens;
they are mapped to dense indices 0..n-1 in sorted order (numeric order when every
id is an integer, text order otherwise), so the indices, and with them the
tie-breaking of the ranking, do not depend on the order of the lines.

The split, for every shopper: the last item is the test target, the second-last the
validation item, the rest history. Training data = every interaction except the
test targets, i.e. each sequence without its last item. Shoppers with fewer than 3
interactions are not evaluated (they have no validation item), but their
interactions other than the last count as training data like everyone else's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

MIN_EVAL_LENGTH = 3


@dataclass(frozen=True)
class Split:
    """A dataset split for evaluation. Indices are dense (0-based)."""

    user_ids: list[str]
    item_ids: list[str]
    # Each user's training sequence (history + validation item), oldest first.
    train_sequences: list[np.ndarray]
    # Users evaluated (at least MIN_EVAL_LENGTH interactions) and their test items.
    eval_users: np.ndarray
    test_items: np.ndarray
    # Users × items, 1 where the user has a training interaction with the item.
    train_matrix: sp.csr_matrix
    # Training interactions per item (repeats counted).
    item_counts: np.ndarray
    skipped_users: int
    interactions: int

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def train_interactions(self) -> int:
        return int(sum(len(s) for s in self.train_sequences))

    def repeated_test_items(self) -> int:
        """Evaluated users whose test item is also among their training items."""
        if not len(self.eval_users):
            return 0
        return int(np.count_nonzero(np.asarray(self.train_matrix[self.eval_users, self.test_items]).ravel()))

    def flat_train(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The training sequences concatenated.

        Returns (items, owners, steps_from_end): the item of every training
        interaction, its user, and how many interactions of that user come after
        it (0 for the user's newest training interaction).
        """
        lengths = np.fromiter((len(s) for s in self.train_sequences), dtype=np.int64, count=self.n_users)
        items = np.concatenate(self.train_sequences) if lengths.sum() else np.zeros(0, dtype=np.int64)
        owners = np.repeat(np.arange(self.n_users, dtype=np.int64), lengths)
        ends = np.cumsum(lengths)
        steps_from_end = ends[owners] - 1 - np.arange(len(items), dtype=np.int64)
        return items.astype(np.int64), owners, steps_from_end


def _sorted_ids(ids: set[str]) -> list[str]:
    """Ids in numeric order when all are integers, in text order otherwise."""
    try:
        return sorted(ids, key=int)
    except ValueError:
        return sorted(ids)


def read_sequences(path: Path, max_users: int | None = None) -> list[tuple[str, list[str]]]:
    """Reads ``user item1 item2 …`` lines; the first ``max_users`` lines if given."""
    rows: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                continue
            user, items = fields[0], fields[1:]
            if user in seen:
                raise ValueError(f"{path}:{line_number}: user {user!r} has a second line")
            seen.add(user)
            rows.append((user, items))
            if max_users is not None and len(rows) >= max_users:
                break
    if not rows:
        raise ValueError(f"{path}: no sequences")
    return rows


def split_leave_one_out(rows: list[tuple[str, list[str]]]) -> Split:
    """Maps ids to indices and splits every sequence by the protocol."""
    user_ids = [user for user, _ in rows]
    item_ids = _sorted_ids({item for _, items in rows for item in items})
    item_index = {item: index for index, item in enumerate(item_ids)}

    train_sequences: list[np.ndarray] = []
    eval_users: list[int] = []
    test_items: list[int] = []
    skipped = 0
    for user, (_, items) in enumerate(rows):
        sequence = np.fromiter((item_index[i] for i in items), dtype=np.int64, count=len(items))
        train_sequences.append(sequence[:-1])
        if len(sequence) >= MIN_EVAL_LENGTH:
            eval_users.append(user)
            test_items.append(int(sequence[-1]))
        else:
            skipped += 1

    n_users, n_items = len(user_ids), len(item_ids)
    lengths = [len(s) for s in train_sequences]
    rows_index = np.repeat(np.arange(n_users), lengths)
    cols_index = np.concatenate(train_sequences) if sum(lengths) else np.zeros(0, dtype=np.int64)
    train_matrix = sp.csr_matrix(
        (np.ones(len(cols_index), dtype=np.float32), (rows_index, cols_index)), shape=(n_users, n_items)
    )
    train_matrix.sum_duplicates()
    train_matrix.data[:] = 1.0  # binary: a repeated interaction counts once here
    item_counts = np.bincount(cols_index, minlength=n_items).astype(np.float64)

    return Split(
        user_ids=user_ids,
        item_ids=item_ids,
        train_sequences=train_sequences,
        eval_users=np.asarray(eval_users, dtype=np.int64),
        test_items=np.asarray(test_items, dtype=np.int64),
        train_matrix=train_matrix,
        item_counts=item_counts,
        skipped_users=skipped,
        interactions=int(sum(len(items) for _, items in rows)),
    )


def load_split(path: Path, max_users: int | None = None) -> Split:
    """Reads a sequence file and splits it (see the module docstring)."""
    return split_leave_one_out(read_sequences(path, max_users))


@dataclass(frozen=True)
class AttributeSummary:
    """What an ``_item2attributes.json`` file holds for the catalog."""

    items_with_attributes: int
    distinct_attributes: int


def summarize_attributes(path: Path, item_ids: list[str]) -> AttributeSummary:
    """Checks the ``{"item": [attribute, …]}`` file and counts its coverage.

    The reference models do not use attributes; the file is read so the run reports
    what a model that does (such as `tailor eval`'s) would have to work with.
    """
    with open(path, encoding="utf-8") as handle:
        mapping = json.load(handle)
    if not isinstance(mapping, dict) or not all(isinstance(v, list) for v in mapping.values()):
        raise ValueError(f"{path}: expected an object mapping item ids to lists of attributes")
    keys = {str(key) for key in mapping}
    catalog = set(item_ids)
    attributes = {attribute for values in mapping.values() for attribute in values}
    return AttributeSummary(items_with_attributes=len(catalog & keys), distinct_attributes=len(attributes))
