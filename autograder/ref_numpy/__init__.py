"""NumPy reference implementations, one module per topic.

Same module and function names as ``autograder.ref_torch``. Import a module,
e.g. ``from autograder.ref_numpy import perceptron``.
"""
