# A constant, not importlib.metadata: looking the version up costs every command ~15 ms.
__version__ = "0.1.0"
