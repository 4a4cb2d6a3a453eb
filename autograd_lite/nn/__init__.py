"""``al.nn``: modules, layers, losses, initialisers and utilities, with PyTorch's names."""
from . import functional, init, utils
from .activation import (ELU, GELU, Flatten, Hardtanh, Identity, LeakyReLU, LogSoftmax, Mish,
                         ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softplus, Tanh, Unflatten)
from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .containers import ModuleDict, ModuleList, Sequential
from .distance import CosineSimilarity
from .dropout import Dropout
from .linear import Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                   MSELoss, NLLLoss, SmoothL1Loss)
from .module import Module, Parameter
from .normalization import GroupNorm, LayerNorm
from .pooling import (AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d,
                      Upsample)
from .sparse import Embedding

__all__ = ["Module", "Parameter", "Sequential", "ModuleList", "ModuleDict", "Linear", "ReLU",
           "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Identity", "Flatten",
           "Dropout", "BatchNorm1d", "BatchNorm2d", "CrossEntropyLoss", "NLLLoss", "BCELoss",
           "BCEWithLogitsLoss", "MSELoss", "L1Loss", "functional", "init", "utils",
           "LayerNorm", "GroupNorm", "Embedding", "GELU", "SiLU", "ELU", "Softplus", "Mish",
           "Hardtanh", "ReLU6", "Unflatten", "CosineSimilarity", "SmoothL1Loss", "HuberLoss",
           "KLDivLoss", "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d",
           "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d", "Upsample"]
