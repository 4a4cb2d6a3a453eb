"""Data pipeline: datasets, mini-batch loading (shuffle, then partition) and splits.

``al.data.Dataset``, ``TensorDataset``, ``Subset``, ``ConcatDataset``, ``random_split``,
``DataLoader``, ``default_collate`` and ``train_dev_test_split``, with PyTorch's names.
"""
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .loader import DataLoader, default_collate
from .split import train_dev_test_split

__all__ = ["ConcatDataset", "DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate",
           "random_split", "train_dev_test_split"]
