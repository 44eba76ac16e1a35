"""The reference recommenders: popularity, implicit's ALS, plain sequential item-to-item.

Each model is fitted on a ``Split`` (training interactions only: history +
validation item of every user) and then scores batches of users against the whole
catalog: ``score(users) -> ndarray (len(users) × n_items)``, higher is better. The
evaluator leaves out the items a user already has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .dataset import Split


class PopularityModel:
    """Scores every item by its number of training interactions, the same for everyone."""

    name = "pop"

    def fit(self, split: Split) -> None:
        self._counts = split.item_counts.astype(np.float64)

    def score(self, users: np.ndarray) -> np.ndarray:
        return np.broadcast_to(self._counts, (len(users), len(self._counts))).copy()


class ALSModel:
    """implicit's AlternatingLeastSquares, untuned: 64 factors, the library's defaults otherwise.

    Fitted on the binary users × items matrix of training interactions; an item's
    score for a user is the dot product of their factors (what ``recommend`` ranks by).
    ``alpha`` is the library's confidence scale (its default, 1.0, unless asked).
    """

    name = "als"

    def __init__(self, factors: int = 64, alpha: float = 1.0, random_state: int = 0, threads: int = 1) -> None:
        self.factors = factors
        self.alpha = alpha
        self.random_state = random_state
        self.threads = threads

    def fit(self, split: Split) -> None:
        from implicit.cpu.als import AlternatingLeastSquares  # slow import: only when used
        from threadpoolctl import threadpool_limits

        model = AlternatingLeastSquares(
            factors=self.factors, alpha=self.alpha, random_state=self.random_state, num_threads=self.threads
        )
        with threadpool_limits(limits=self.threads):
            model.fit(split.train_matrix.astype(np.float32).tocsr(), show_progress=False)
        self._user_factors = np.asarray(model.user_factors, dtype=np.float64)
        self._item_factors = np.asarray(model.item_factors, dtype=np.float64)

    def score(self, users: np.ndarray) -> np.ndarray:
        return self._user_factors[users] @ self._item_factors.T


@dataclass(frozen=True)
class SeqReading:
    """One reading of the sequential reference's definition (see SEQ_READINGS)."""

    name: str
    both_directions: bool  # sequential pairs counted a→b and b→a, or only earlier→later
    seq_weight: float  # factor on the sequential (1/distance) part
    cooc_weight: float  # factor on the same-shopper co-occurrence part
    description: str


# The readings of "pairs within 3 steps of each other in the training sequences
# weighted 1/distance and counted twice, plus same-shopper co-occurrence". What each
# gave on Beauty is in the docstring of __main__.py.
SEQ_READINGS = {
    reading.name: reading
    for reading in [
        SeqReading("forward-x2", False, 2.0, 1.0, "2 × forward pairs (earlier → later) + co-occurrence"),
        SeqReading("both", True, 1.0, 1.0, "pairs in both directions (a→b and b→a), once each + co-occurrence"),
        SeqReading("both-x2", True, 2.0, 1.0, "2 × pairs in both directions + co-occurrence"),
        SeqReading("forward", False, 1.0, 1.0, "forward pairs once (not doubled) + co-occurrence"),
    ]
}
DEFAULT_SEQ_READING = "forward-x2"


class SequentialModel:
    """Plain sequential item-to-item reference.

    Item × item weights (scipy sparse), from the training sequences:
      seq(a, b)   = Σ over occurrences of b within 3 steps after a of 1/distance
                    (plus the reverse direction in the "both" readings);
      cooc(a, b)  = number of shoppers whose training sequence has both a and b
                    (each pair once per shopper; a ≠ b);
      M(a, t)     = (seq_weight · seq(a, t) + cooc_weight · cooc(a, t)) / sqrt(pop(t)),
    with pop(t) = training interactions of t. A shopper's query vector q puts 0.6^j
    on each of the last 5 training items, j = 0 for the newest (a repeated item adds
    up); the scores are q · M, one sparse product per batch of users.
    """

    name = "seq"
    window = 3
    recent = 5
    decay = 0.6

    def __init__(self, reading: str = DEFAULT_SEQ_READING) -> None:
        self.reading = SEQ_READINGS[reading]

    def fit(self, split: Split) -> None:
        items, owners, steps_from_end = split.flat_train()
        n_items = split.n_items
        sequential = self._sequential_pairs(items, owners, n_items)
        if self.reading.both_directions:
            sequential = sequential + sequential.T
        cooccurrence = self._cooccurrence(split.train_matrix)
        weights = (self.reading.seq_weight * sequential + self.reading.cooc_weight * cooccurrence).tocsr()
        popularity = split.item_counts
        inverse_sqrt_pop = np.divide(1.0, np.sqrt(popularity), out=np.zeros(n_items), where=popularity > 0)
        self._item_weights = (weights @ sp.diags(inverse_sqrt_pop)).tocsr()
        self._queries = self._recent_items(items, owners, steps_from_end, split.n_users, n_items)

    def score(self, users: np.ndarray) -> np.ndarray:
        return (self._queries[users] @ self._item_weights).toarray()

    def _sequential_pairs(self, items: np.ndarray, owners: np.ndarray, n_items: int) -> sp.csr_matrix:
        """seq(a, b): Σ 1/d over b following a at distance d ≤ window in one sequence."""
        sources, targets, weights = [], [], []
        for distance in range(1, self.window + 1):
            same_user = owners[:-distance] == owners[distance:]
            a, b = items[:-distance][same_user], items[distance:][same_user]
            different = a != b
            sources.append(a[different])
            targets.append(b[different])
            weights.append(np.full(int(different.sum()), 1.0 / distance))
        matrix = sp.coo_matrix(
            (np.concatenate(weights), (np.concatenate(sources), np.concatenate(targets))), shape=(n_items, n_items)
        )
        return matrix.tocsr()  # duplicates are summed

    @staticmethod
    def _cooccurrence(train_matrix: sp.csr_matrix) -> sp.csr_matrix:
        """cooc(a, b): shoppers with both a and b among their training items, a ≠ b."""
        binary = train_matrix.astype(np.float64)
        cooccurrence = (binary.T @ binary).tocsr()
        cooccurrence.setdiag(0.0)
        cooccurrence.eliminate_zeros()
        return cooccurrence

    def _recent_items(
        self, items: np.ndarray, owners: np.ndarray, steps_from_end: np.ndarray, n_users: int, n_items: int
    ) -> sp.csr_matrix:
        """Users × items query weights: 0.6^j on the last 5 training items, newest j = 0."""
        recent = steps_from_end < self.recent
        matrix = sp.coo_matrix(
            (self.decay ** steps_from_end[recent].astype(np.float64), (owners[recent], items[recent])),
            shape=(n_users, n_items),
        )
        return matrix.tocsr()


def build_model(name: str, seed: int, threads: int, seq_reading: str, als_alpha: float = 1.0):
    """The model called ``name`` (pop, als or seq)."""
    if name == "pop":
        return PopularityModel()
    if name == "als":
        return ALSModel(factors=64, alpha=als_alpha, random_state=seed, threads=threads)
    if name == "seq":
        return SequentialModel(seq_reading)
    raise ValueError(f"unknown model {name!r} (known: pop, als, seq)")


MODEL_NAMES = ("pop", "als", "seq")
