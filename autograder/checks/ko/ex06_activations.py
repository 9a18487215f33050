"""한국어 메시지: checks/ex06_activations.py."""

MESSAGES = {
    # 모듈 상수 (say(NAME)으로 쓰는 힌트)
    "multiply the local derivative by the upstream gradient dout (chain rule).":
        "국소 도함수에 상류 기울기 dout을 곱하세요(연쇄 법칙).",

    # 공통: 레이블과 힌트
    "for |x| = 1000, np.exp(1000) overflows to inf and inf / inf is NaN; "
    "use a form in which exp only sees numbers <= 0 (or np.tanh for tanh).":
        "|x| = 1000이면 np.exp(1000)이 inf로 오버플로하고 inf / inf는 NaN입니다. exp가 0 이하의 수만 받는 "
        "형태를 쓰세요(tanh라면 np.tanh).",
    "{call} for x of shape {shape}": "x의 모양이 {shape}일 때 {call}",
    "{label} (against PyTorch)": "{label} (PyTorch와 비교)",
    "{label} (its cache feeds the backward pass)": "{label} (그 cache가 역방향 계산의 입력이 됩니다)",
    "{name}_backward is tested with the cache of your {name}_forward: "
    "make {name}_forward pass its own check first.":
        "{name}_backward는 직접 작성한 {name}_forward의 cache로 검사합니다: 먼저 {name}_forward가 자기 "
        "검사를 통과하게 하세요.",
    "{name}_backward(dout, cache) for x of shape {shape}":
        "x의 모양이 {shape}일 때 {name}_backward(dout, cache)",
    "{name}_backward(dout, cache) for x of shape {shape}, alpha={alpha}":
        "x의 모양이 {shape}, alpha={alpha}일 때 {name}_backward(dout, cache)",
    "{label} (against PyTorch autograd)": "{label} (PyTorch autograd와 비교)",
    "{n}-element": "원소 {n}개짜리",
    "scalar": "스칼라",

    # sigmoid
    "sigmoid(x) = 1 / (1 + exp(-x)): check the sign in the exponent.":
        "sigmoid(x) = 1 / (1 + exp(-x))입니다: 지수의 부호를 확인하세요.",
    "the derivative is s * (1 - s) with s = sigmoid(x), the OUTPUT; you computed "
    "x * (1 - x) from the input. Cache the output in sigmoid_forward.":
        "도함수는 '출력' s = sigmoid(x)로 쓴 s * (1 - s)입니다. 입력으로 x * (1 - x)를 계산했습니다. "
        "sigmoid_forward에서 출력을 cache에 담으세요.",
    "the derivative of sigmoid is s * (1 - s), not s itself.":
        "시그모이드의 도함수는 s 자체가 아니라 s * (1 - s)입니다.",
    "the cache already holds s = sigmoid(x): do not apply sigmoid to it again.":
        "cache에는 이미 s = sigmoid(x)가 들어 있습니다: 여기에 시그모이드를 다시 적용하지 마세요.",

    # tanh
    "tanh(x) = 2 * sigmoid(2x) - 1: the argument of the sigmoid is 2x.":
        "tanh(x) = 2 * sigmoid(2x) - 1입니다: 시그모이드의 인수는 2x입니다.",
    "that is the sigmoid; tanh(x) = 2 * sigmoid(2x) - 1 (or np.tanh).":
        "그것은 시그모이드입니다. tanh(x) = 2 * sigmoid(2x) - 1입니다(또는 np.tanh).",
    "the derivative is 1 - t**2 with t = tanh(x), the OUTPUT; you computed 1 - x**2 "
    "from the input. Cache the output in tanh_forward.":
        "도함수는 '출력' t = tanh(x)로 쓴 1 - t**2입니다. 입력으로 1 - x**2를 계산했습니다. "
        "tanh_forward에서 출력을 cache에 담으세요.",
    "the derivative is 1 - t**2 (squared), not 1 - t.":
        "도함수는 1 - t가 아니라 1 - t**2(제곱)입니다.",
    "that is the sigmoid's derivative formula; for tanh it is 1 - t**2.":
        "그것은 시그모이드의 도함수 공식입니다. tanh의 도함수는 1 - t**2입니다.",
    "the cache already holds t = tanh(x): do not apply tanh to it again.":
        "cache에는 이미 t = tanh(x)가 들어 있습니다: 여기에 tanh를 다시 적용하지 마세요.",

    # ReLU
    "return max(0, x) itself, not the 0/1 mask x > 0.":
        "0/1 마스크 x > 0이 아니라 max(0, x) 자체를 반환하세요.",
    "ReLU keeps positive x and sets negative x to 0, not the other way round.":
        "ReLU는 양수 x를 그대로 두고 음수 x를 0으로 만듭니다. 그 반대가 아닙니다.",
    "at x = 0 exactly the gradient must be 0 (the subgradient this course and PyTorch "
    "use): test x > 0, not x >= 0.":
        "x가 정확히 0인 곳에서 기울기는 0이어야 합니다(이 강좌와 PyTorch가 쓰는 서브그래디언트): x >= 0이 아니라 "
        "x > 0으로 판별하세요.",
    "multiply the 0/1 mask by the upstream gradient dout (chain rule).":
        "0/1 마스크에 상류 기울기 dout을 곱하세요(연쇄 법칙).",
    "the local derivative of ReLU is 0 or 1, not ReLU(x) itself.":
        "ReLU의 국소 도함수는 ReLU(x) 자체가 아니라 0 또는 1입니다.",
    "where x < 0 the gradient is 0: you let dout through everywhere. (If your cache holds ReLU's "
    "output, remember that it is >= 0 everywhere: a test out >= 0 is always true.)":
        "x < 0인 곳에서 기울기는 0입니다: 모든 곳에서 dout을 그대로 통과시켰습니다. (cache에 ReLU의 출력을 "
        "담았다면 출력은 모든 곳에서 >= 0이라는 점을 기억하세요: out >= 0이라는 판별은 항상 참입니다.)",

    # Leaky ReLU
    "for x < 0 Leaky ReLU returns alpha * x, not 0 (that is ReLU).":
        "x < 0에서 Leaky ReLU는 0이 아니라 alpha * x를 반환합니다(0은 ReLU입니다).",
    "use the argument alpha, not a fixed slope of 0.01.":
        "고정된 기울기 0.01이 아니라 인자 alpha를 쓰세요.",
    "for x < 0 the slope is alpha, not 0 (that is ReLU's derivative).":
        "x < 0에서 기울기는 0이 아니라 alpha입니다(0은 ReLU의 도함수입니다).",
    "at x = 0 exactly use the slope of the left side, alpha, as PyTorch does: "
    "test x > 0, not x >= 0.":
        "x가 정확히 0인 곳에서는 PyTorch처럼 왼쪽 기울기 alpha를 쓰세요: x >= 0이 아니라 x > 0으로 판별하세요.",
    "at x = 0 exactly use the slope of the left side, alpha, as PyTorch does; you gave slope 0 there "
    "(x = 0 fell in neither of your two cases).":
        "x가 정확히 0인 곳에서는 PyTorch처럼 왼쪽 기울기 alpha를 쓰세요. 그곳에 기울기 0을 주었습니다"
        "(x = 0이 두 경우 어디에도 들지 않았습니다).",
    "multiply the local slope by the upstream gradient dout (chain rule).":
        "국소 기울기에 상류 기울기 dout을 곱하세요(연쇄 법칙).",
    "keep alpha in the cache and use it; the slope is not a fixed 0.01.":
        "alpha를 cache에 담아 두고 쓰세요. 기울기는 고정된 0.01이 아닙니다.",

    # ELU
    "for x <= 0 ELU is alpha * (exp(x) - 1): subtract the 1.":
        "x <= 0에서 ELU는 alpha * (exp(x) - 1)입니다: 1을 빼세요.",
    "for x < 0 ELU is alpha * (exp(x) - 1), not 0 (that is ReLU).":
        "x < 0에서 ELU는 0이 아니라 alpha * (exp(x) - 1)입니다(0은 ReLU입니다).",
    "multiply exp(x) - 1 by alpha.": "exp(x) - 1에 alpha를 곱하세요.",
    "for x <= 0 the derivative of alpha * (exp(x) - 1) is alpha * exp(x); you used the "
    "function itself, alpha * exp(x) - alpha.":
        "x <= 0에서 alpha * (exp(x) - 1)의 도함수는 alpha * exp(x)입니다. 함수 자체인 alpha * exp(x) - alpha를 "
        "썼습니다.",
    "at x = 0 exactly use the slope of the left side, alpha * exp(0) = alpha, as PyTorch "
    "does: test x > 0, not x >= 0.":
        "x가 정확히 0인 곳에서는 PyTorch처럼 왼쪽 기울기 alpha * exp(0) = alpha를 쓰세요: x >= 0이 아니라 "
        "x > 0으로 판별하세요.",
    "at x = 0 exactly use the slope of the left side, alpha * exp(0) = alpha, as PyTorch does; you gave "
    "slope 0 there (x = 0 fell in neither of your two cases).":
        "x가 정확히 0인 곳에서는 PyTorch처럼 왼쪽 기울기 alpha * exp(0) = alpha를 쓰세요. 그곳에 기울기 0을 "
        "주었습니다(x = 0이 두 경우 어디에도 들지 않았습니다).",
    "for x <= 0 the derivative is alpha * exp(x): keep alpha in the cache.":
        "x <= 0에서 도함수는 alpha * exp(x)입니다: alpha를 cache에 담아 두세요.",

    # 검사 통과
    "sigmoid_forward matches the references on a {shape} array":
        "sigmoid_forward가 {shape} 배열에서 참조 구현과 일치합니다",
    "sigmoid_backward matches NumPy and PyTorch autograd on a {shape} array":
        "sigmoid_backward가 {shape} 배열에서 NumPy 및 PyTorch autograd와 일치합니다",
    "tanh_forward matches the references on a {shape} array":
        "tanh_forward가 {shape} 배열에서 참조 구현과 일치합니다",
    "tanh_backward matches NumPy and PyTorch autograd on a {shape} array":
        "tanh_backward가 {shape} 배열에서 NumPy 및 PyTorch autograd와 일치합니다",
    "relu_forward matches the references on a {shape} array":
        "relu_forward가 {shape} 배열에서 참조 구현과 일치합니다",
    "relu_backward matches NumPy and PyTorch autograd on a {shape} array (x = 0 included)":
        "relu_backward가 {shape} 배열에서 NumPy 및 PyTorch autograd와 일치합니다(x = 0 포함)",
    "leaky_relu_forward matches the references for alpha = 0.01 (default) and {alpha}":
        "leaky_relu_forward가 alpha = 0.01(기본값)과 {alpha}에서 참조 구현과 일치합니다",
    "leaky_relu_backward matches NumPy and PyTorch autograd for alpha = 0.01 (default) and {alpha}":
        "leaky_relu_backward가 alpha = 0.01(기본값)과 {alpha}에서 NumPy 및 PyTorch autograd와 일치합니다",
    "elu_forward matches the references for alpha = 1 (default) and {alpha}":
        "elu_forward가 alpha = 1(기본값)과 {alpha}에서 참조 구현과 일치합니다",
    "elu_backward matches NumPy and PyTorch autograd for alpha = 1 (default) and {alpha}":
        "elu_backward가 alpha = 1(기본값)과 {alpha}에서 NumPy 및 PyTorch autograd와 일치합니다",

    # grad_norms_per_layer
    "return the norms in layer order, first layer first (backpropagation finds them last to first).":
        "노름을 층 순서대로, 첫 층부터 반환하세요(역전파는 마지막 층부터 첫 층 순으로 구합니다).",
    "C is the MEAN of (a^L - Y)^2 over all N * n_L entries, so dC/da^L = 2 (a^L - Y) / (N * n_L).":
        "C는 N * n_L개의 모든 항목에 대한 (a^L - Y)^2의 '평균'이므로 dC/da^L = 2 (a^L - Y) / (N * n_L)입니다.",
    "average over all N * n_L entries, not only over the N rows: dC/da^L = 2 (a^L - Y) / (N * n_L).":
        "N개의 행에 대해서만이 아니라 N * n_L개의 모든 항목에 대해 평균하세요: dC/da^L = 2 (a^L - Y) / (N * n_L).",
    "the derivative of (a - y)^2 is 2 (a - y): keep the factor 2.":
        "(a - y)^2의 도함수는 2 (a - y)입니다: 계수 2를 남겨 두세요.",
    "the Frobenius norm is the square root of the sum of squares (np.linalg.norm(dW)).":
        "프로베니우스 노름은 제곱합의 제곱근입니다(np.linalg.norm(dW)).",
    "the output layer is linear: apply the activation to hidden layers only.":
        "출력층은 선형입니다: 활성화 함수는 은닉층에만 적용하세요.",
    "backpropagate through the activation: multiply by f'(z^l) at every hidden layer.":
        "활성화 함수를 거쳐 역전파하세요: 모든 은닉층에서 f'(z^l)을 곱하세요.",
    "return the norms of dC/dW^l, not of dC/db^l.":
        "dC/db^l이 아니라 dC/dW^l의 노름을 반환하세요.",
    "add the bias b^l in every layer's forward pass.":
        "모든 층의 순전파에서 편향 b^l을 더하세요.",
    "the last layer's norm is right, so the cost's gradient is; the error is in passing delta back "
    "through the layers: delta^(l-1) = (delta^l (W^l)^T) * f'(z^(l-1)), where f' comes from the backward "
    "pass given the cache of layer l-1's activation, and W^l is the weight of the layer delta^l belongs to.":
        "마지막 층의 노름이 맞으므로 비용의 기울기도 맞습니다. 오류는 delta를 층을 따라 뒤로 전달하는 데 "
        "있습니다: delta^(l-1) = (delta^l (W^l)^T) * f'(z^(l-1))이고, 여기서 f'은 층 l-1의 활성화 함수의 "
        "cache를 받은 역방향 계산에서 나오며, W^l은 delta^l이 속한 층의 가중치입니다.",
    "grad_norms_per_layer(X, Y, params, {activation!r}) for layer sizes {sizes}":
        "층 크기가 {sizes}일 때 grad_norms_per_layer(X, Y, params, {activation!r})",
    "Return an array with one number per layer: np.linalg.norm(dW) for each W.":
        "층마다 수 하나씩 든 배열을 반환하세요: 각 W에 대한 np.linalg.norm(dW)입니다.",
    "grad_norms_per_layer matches NumPy and PyTorch autograd ({activation}: "
    "first layer / last layer = {ratio:.2g})":
        "grad_norms_per_layer가 NumPy 및 PyTorch autograd와 일치합니다({activation}: 첫 층 / 마지막 층 = "
        "{ratio:.2g})",
}
