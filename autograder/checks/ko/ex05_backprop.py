"""한국어 메시지: checks/ex05_backprop.py."""

MESSAGES = {
    # 모듈 상수 (say(NAME)으로 쓰는 힌트)
    "Check the shapes: every gradient has the shape of its variable (dx like x, dW like W, "
    "db like b); let the shapes of the two factors of each product tell you which one is transposed.":
        "모양을 확인하세요: 모든 기울기는 그 변수와 모양이 같습니다(dx는 x, dW는 W, db는 b와 같은 모양). "
        "각 곱에서 두 인수의 모양을 보면 어느 쪽을 전치해야 하는지 알 수 있습니다.",
    "W already has the shape (D, M) in this course (one example per row of x, shape (N, D)): "
    "the product of x and W, as given, has shape (N, M); no transpose is needed.":
        "이 강좌에서 W는 이미 모양이 (D, M)입니다(x의 한 행이 예제 하나이고 x의 모양은 (N, D)). 주어진 그대로 "
        "x와 W를 곱하면 모양이 (N, M)이므로 전치할 필요가 없습니다.",

    # affine_forward
    "add the bias b (one number per output column).":
        "편향 b를 더하세요(출력 열마다 수 하나).",
    "the affine layer adds the bias: x @ W + b.":
        "아핀 층은 편향을 더합니다: x @ W + b.",
    "x has one example per row and W has shape (D, M) already; do not transpose W.":
        "x의 한 행이 예제 하나이고 W는 이미 모양이 (D, M)입니다. W를 전치하지 마세요.",
    "affine_forward(x, W, b) with x of shape {x} and W of shape {W}":
        "x의 모양이 {x}, W의 모양이 {W}일 때 affine_forward(x, W, b)",
    "{label}: out (first returned value)": "{label}: out (첫 번째 반환값)",
    "out has shape (N, M): one row per example, one column per output unit.":
        "out의 모양은 (N, M)입니다: 예제마다 한 행, 출력 단위마다 한 열입니다.",
    "{label}: cache (second returned value)": "{label}: cache (두 번째 반환값)",
    "{label}: the cache's first entry, x,": "{label}: cache의 첫 번째 항목 x",
    "return cache = (x, W).": "cache = (x, W)를 반환하세요.",
    "{label}: the cache's second entry, W,": "{label}: cache의 두 번째 항목 W",
    "{label} (against PyTorch)": "{label} (PyTorch와 비교)",
    "affine_forward matches the NumPy and PyTorch references":
        "affine_forward가 NumPy 및 PyTorch 참조 구현과 일치합니다",

    # affine_backward
    "going back from M outputs to D inputs, W must be transposed (dx has x's shape (N, D)).":
        "M개의 출력에서 D개의 입력으로 거슬러 가므로 W를 전치해야 합니다(dx는 x와 같은 모양 (N, D)).",
    "dW has W's shape (D, M); your result is its transpose: check which factor comes first "
    "and which one is transposed.":
        "dW는 W와 같은 모양 (D, M)인데, 결과가 그 전치입니다: 어느 인수가 앞에 오고 어느 쪽을 전치하는지 "
        "확인하세요.",
    "do not divide by N here: the 1/N of the cost is already inside dout.":
        "여기서 N으로 나누지 마세요: 비용의 1/N은 이미 dout 안에 들어 있습니다.",
    "db sums dout over the batch (axis 0), it does not average: the 1/N is already in dout.":
        "db는 dout을 배치에 걸쳐(axis 0) 합한 것이지 평균한 것이 아닙니다: 1/N은 이미 dout에 들어 있습니다.",
    "db sums dout over the batch, axis 0 (one number per output), not over axis 1.":
        "db는 dout을 axis 1이 아니라 배치 축인 axis 0에 걸쳐 합합니다(출력마다 수 하나).",
    "dx must have shape (N, D) like x.": "dx는 x처럼 모양이 (N, D)여야 합니다.",
    "dW must have shape (D, M) like W.": "dW는 W처럼 모양이 (D, M)이어야 합니다.",
    "db must have shape (M,) like b.": "db는 b처럼 모양이 (M,)이어야 합니다.",
    "affine_backward(dout, cache) with x of shape {x} and W of shape {W}":
        "x의 모양이 {x}, W의 모양이 {W}일 때 affine_backward(dout, cache)",
    "affine_backward matches NumPy and PyTorch autograd (dx, dW, db)":
        "affine_backward가 NumPy 및 PyTorch autograd와 일치합니다(dx, dW, db)",

    # sigmoid_backward
    "the cache holds s = sigmoid(z), the OUTPUT: the derivative is s * (1 - s); do not apply the "
    "sigmoid to it again.":
        "cache에는 '출력'인 s = sigmoid(z)가 들어 있습니다: 도함수는 s * (1 - s)입니다. 여기에 시그모이드를 "
        "다시 적용하지 마세요.",
    "multiply the local derivative s * (1 - s) by the upstream gradient dout (chain rule).":
        "국소 도함수 s * (1 - s)에 상류 기울기 dout을 곱하세요(연쇄 법칙).",
    "the derivative of the sigmoid is s * (1 - s), not s.":
        "시그모이드의 도함수는 s가 아니라 s * (1 - s)입니다.",
    "the derivative is s * (1 - s), with a minus sign inside: 1 - s.":
        "도함수는 s * (1 - s)이고, 괄호 안은 빼기입니다: 1 - s.",
    "sigmoid_backward(dout, cache) on shape {shape}":
        "모양이 {shape}인 입력에 대한 sigmoid_backward(dout, cache)",
    "{label} (against PyTorch autograd)": "{label} (PyTorch autograd와 비교)",
    "sigmoid_backward matches dout * s * (1 - s) and PyTorch autograd":
        "sigmoid_backward가 dout * s * (1 - s) 및 PyTorch autograd와 일치합니다",

    # mlp_backward
    "the cost averages over the batch, so grad_a C = (A - Y) / N; without the 1/N every "
    "gradient is N times too large.":
        "비용은 배치에 대해 평균하므로 grad_a C = (A - Y) / N입니다. 1/N이 없으면 모든 기울기가 N배 커집니다.",
    "the cost is C = 1/(2N) sum ||a - y||^2, whose gradient is (A - Y) / N, not the "
    "2 (A - Y) / (N n_L) of the mean over all entries.":
        "비용은 C = 1/(2N) sum ||a - y||^2이고 그 기울기는 (A - Y) / N입니다. 모든 항목에 대한 평균의 기울기인 "
        "2 (A - Y) / (N n_L)이 아닙니다.",
    "sigma'(z) = a (1 - a) with a = sigma(z), the activation; you used z (1 - z).":
        "sigma'(z) = a (1 - a)이고, 여기서 a = sigma(z)는 활성값입니다. z (1 - z)를 썼습니다.",
    "dW^l = A^(l-1).T @ Delta^l has the shape of W^l; Delta^l.T @ A^(l-1) is its transpose.":
        "dW^l = A^(l-1).T @ Delta^l은 W^l과 모양이 같습니다. Delta^l.T @ A^(l-1)은 그 전치입니다.",
    "db^l SUMS Delta^l over the batch: the 1/N of the cost is already inside Delta^l, so averaging "
    "divides by N twice.":
        "db^l은 Delta^l을 배치에 걸쳐 '합'합니다: 비용의 1/N이 이미 Delta^l 안에 있으므로 평균하면 N으로 두 번 "
        "나누게 됩니다.",
    "equation 1 needs sigma'(z^L) too: delta^L = grad_a C * a^L (1 - a^L).":
        "방정식 1(BP1)에도 sigma'(z^L)이 필요합니다: delta^L = grad_a C * a^L (1 - a^L).",
    "dW{l} must have the shape of W{l}, {shape}: dW^l = A^(l-1).T @ Delta^l, and db{l} the "
    "shape ({m},): Delta^l summed over the batch (axis 0). Return the pairs in layer "
    "order [(dW1, db1), (dW2, db2), ...].":
        "dW{l}의 모양은 W{l}의 모양과 같아야 합니다({shape}): dW^l = A^(l-1).T @ Delta^l. db{l}의 모양은 "
        "({m},)이어야 합니다: Delta^l을 배치에 걸쳐(axis 0) 합한 값입니다. 쌍들은 층 순서대로 "
        "[(dW1, db1), (dW2, db2), ...]로 반환하세요.",
    "mlp_backward(params, cache, Y) for sizes {sizes} and N = {n}":
        "sizes = {sizes}, N = {n}일 때 mlp_backward(params, cache, Y)",
    "BP2 is Delta^l = (Delta^(l+1) @ W^(l+1).T) * sigma'(Z^l).":
        "BP2는 Delta^l = (Delta^(l+1) @ W^(l+1).T) * sigma'(Z^l)입니다.",
    "{label} should return a list of {L} pairs (dW, db), one per layer; got a {kind} of length {n}.":
        "{label}: 층마다 하나씩 (dW, db) 쌍 {L}개로 된 리스트를 반환해야 합니다. 반환된 것은 길이가 {n}인 "
        "{kind}입니다.",
    "{label} should return a list of {L} pairs (dW, db), one per layer; got a {kind}.":
        "{label}: 층마다 하나씩 (dW, db) 쌍 {L}개로 된 리스트를 반환해야 합니다. 반환된 것은 {kind}입니다.",
    "mlp_backward matches the four equations and PyTorch autograd on a {sizes} network":
        "mlp_backward가 {sizes} 신경망에서 네 방정식 및 PyTorch autograd와 일치합니다",

    # numerical_gradient
    "use central differences (f(x + h) - f(x - h)) / (2h); the forward difference "
    "(f(x + h) - f(x)) / h has an error of order h.":
        "중앙 차분 (f(x + h) - f(x - h)) / (2h)를 쓰세요. 전진 차분 (f(x + h) - f(x)) / h에는 h에 비례하는 "
        "오차가 있습니다.",
    "divide by 2h: the two points x + h and x - h are 2h apart.":
        "2h로 나누세요: 두 점 x + h와 x - h는 2h만큼 떨어져 있습니다.",
    "use the step h you are given.": "주어진 간격 h를 쓰세요.",
    "numerical_gradient(f, x, h={h:g}) for f = {f} and x of shape {shape}":
        "f = {f}, x의 모양이 {shape}일 때 numerical_gradient(f, x, h={h:g})",
    "return one partial derivative per entry of x, in x's shape.":
        "x의 항목마다 편미분 하나씩, x와 같은 모양으로 반환하세요.",
    "{label} (against the exact gradient by PyTorch autograd)":
        "{label} (PyTorch autograd로 구한 정확한 기울기와 비교)",
    "numerical_gradient gives central differences that match autograd":
        "numerical_gradient가 autograd와 일치하는 중앙 차분을 냅니다",

    # sgd_step
    "gradient DEScent steps against the gradient: w - lr * dw, not w + lr * dw.":
        "경사 '하강'법은 기울기의 반대 방향으로 나아갑니다: w + lr * dw가 아니라 w - lr * dw입니다.",
    "multiply the gradient by the learning rate lr.": "기울기에 학습률 lr을 곱하세요.",
    "return the new weights w - lr * dw, not only the step.":
        "갱신량만 반환하지 말고 새 가중치 w - lr * dw를 반환하세요.",
    "sgd_step(w, dw, state, lr={lr:g}) with w of shape {shape}":
        "w의 모양이 {shape}일 때 sgd_step(w, dw, state, lr={lr:g})",
    "next_w (the first value returned by {label})": "next_w ({label}의 첫 번째 반환값)",
    "{label}[1] should be the state it was given (None): plain SGD keeps no "
    "state; got {kind}.":
        "{label}[1]은 받은 상태(None) 그대로여야 합니다: 기본 SGD는 상태를 두지 않습니다. 반환된 것은 "
        "{kind}입니다.",
    "sgd_step steps against the gradient and leaves w unchanged":
        "sgd_step이 기울기의 반대 방향으로 나아가고 w를 바꾸지 않습니다",

    # softmax_cross_entropy
    "the loss is the MEAN over the batch, so its gradient carries a factor 1/N; divide by N.":
        "손실은 배치에 대한 '평균'이므로 그 기울기에는 1/N이 곱해집니다. N으로 나누세요.",
    "the gradient of the cross-entropy with respect to the logits is prediction MINUS target, "
    "(softmax - one-hot) / N; the target's -1 is missing.":
        "로짓에 대한 교차 엔트로피의 기울기는 예측 '빼기' 목표, 즉 (softmax - one-hot) / N입니다. 목표의 -1이 "
        "빠졌습니다.",
    "check the sign: descending the loss raises the true class's logit, so its gradient entry is "
    "negative (prediction minus target, not target minus prediction).":
        "부호를 확인하세요: 손실을 따라 내려가면 참 클래스의 로짓이 커지므로 그 기울기 항목은 음수입니다"
        "(목표 빼기 예측이 아니라 예측 빼기 목표).",
    "average the loss over the batch (divide the sum by N).":
        "손실을 배치에 대해 평균하세요(합을 N으로 나누세요).",
    "the cross-entropy is MINUS the mean log-probability of the true class; check the sign.":
        "교차 엔트로피는 참 클래스의 로그 확률의 평균에 마이너스를 붙인 값입니다. 부호를 확인하세요.",
    "average over the N examples only, not over all N * C entries (the zeros of the one-hot rows "
    "are not examples).":
        "N * C개의 모든 항목이 아니라 N개의 예제에 대해서만 평균하세요(원-핫 행의 0들은 예제가 아닙니다).",
    "softmax_cross_entropy(logits, Y) with logits of shape {shape} (max abs {top:.3g})":
        "모양이 {shape}, 최대 절댓값이 {top:.3g}인 logits에 대한 softmax_cross_entropy(logits, Y)",
    "Y is one-hot with the shape of logits, (N, C).":
        "Y는 logits와 모양이 같은 (N, C) 원-핫 배열입니다.",
    "loss (first returned value)": "loss (첫 번째 반환값)",
    "dlogits (second returned value)": "dlogits (두 번째 반환값)",
    "exp overflowed or a probability underflowed to 0 before its log: subtract each row's "
    "largest logit before exponentiating, and compute log-probabilities without taking the "
    "log of a probability (chapter 04's log-sum-exp).":
        "exp가 오버플로했거나, 로그를 취하기 전에 확률이 0으로 언더플로했습니다: 지수를 취하기 전에 각 행의 "
        "가장 큰 로짓을 빼고, 로그 확률은 확률에 로그를 취하지 않고 계산하세요(4장의 log-sum-exp).",
    "the loss is one number, the mean over the batch of -log "
    "softmax of the true class; dlogits has the logits' shape "
    "(N, C).":
        "loss는 수 하나로, 참 클래스의 -log softmax를 배치에 대해 평균한 값입니다. dlogits는 logits와 같은 "
        "모양 (N, C)입니다.",
    "softmax_cross_entropy gives the mean loss and (softmax - Y) / N, also for logits of size 1e4":
        "softmax_cross_entropy가 크기 1e4의 로짓에서도 평균 손실과 (softmax - Y) / N을 냅니다",

    # train_mlp
    "the loss is a mean over the N examples, so the output error is (softmax - Y) / N; without the 1/N "
    "every step is N times too large.":
        "손실은 N개의 예제에 대한 평균이므로 출력 오차는 (softmax - Y) / N입니다. 1/N이 없으면 매 스텝이 "
        "N배 커집니다.",
    "the output error of softmax with cross-entropy is prediction minus target, (softmax - Y) / N; "
    "the target is missing.":
        "소프트맥스와 교차 엔트로피의 출력 오차는 예측 빼기 목표, 즉 (softmax - Y) / N입니다. 목표가 빠졌습니다.",
    "every parameter learns: update each bias b with its gradient db as well as each W.":
        "모든 파라미터가 학습됩니다: 각 W뿐 아니라 각 편향 b도 그 기울기 db로 갱신하세요.",
    "the initial weights must come from init_params(sizes, seed) with the seed you are given.":
        "초기 가중치는 주어진 seed로 init_params(sizes, seed)에서 가져와야 합니다.",
    "the step is lr * gradient, once: the learning rate was applied twice (lr * lr * gradient).":
        "스텝은 lr * 기울기로, 학습률을 한 번만 곱합니다: 학습률을 두 번 곱했습니다(lr * lr * 기울기).",
    "losses[i] is the loss BEFORE step i (the first entry is the loss of the initial weights).":
        "losses[i]는 스텝 i '전'의 손실입니다(첫 항목은 초기 가중치의 손실).",
    "train_mlp(X, Y, sizes={sizes}, lr={lr:g}, epochs={epochs}, seed={seed}) with X of shape {shape}":
        "X의 모양이 {shape}일 때 train_mlp(X, Y, sizes={sizes}, lr={lr:g}, epochs={epochs}, seed={seed})",
    "{label}: losses (second returned value)": "{label}: losses (두 번째 반환값)",
    "losses holds {epochs} numbers: the mean cross-entropy over all of X before each "
    "step. Compare your first loss with the loss of init_params(sizes, seed).":
        "losses에는 수 {epochs}개가 들어 있습니다: 각 스텝 전에 X 전체에 대해 구한 평균 교차 엔트로피입니다. "
        "첫 손실을 init_params(sizes, seed)의 손실과 비교해 보세요.",
    "{label}: losses (against PyTorch autograd and torch.optim.SGD)":
        "{label}: losses (PyTorch autograd 및 torch.optim.SGD와 비교)",
    "{label}: the first returned value should be the list of {L} pairs (W, b) after training; "
    "got a {kind}.":
        "{label}: 첫 번째 반환값은 학습을 마친 (W, b) 쌍 {L}개의 리스트여야 합니다. 반환된 것은 {kind}입니다.",
    "{label}: W{l} after training": "{label}: 학습 후의 W{l}",
    "return the trained weights.": "학습된 가중치를 반환하세요.",
    "{label}: b{l} after training": "{label}: 학습 후의 b{l}",
    "return the trained biases (they must be updated too).":
        "학습된 편향을 반환하세요(편향도 갱신해야 합니다).",
    "train_mlp reproduces the reference loss curve ({epochs} steps) and PyTorch's":
        "train_mlp가 참조 구현의 손실 곡선({epochs} 스텝)과 PyTorch의 손실 곡선을 재현합니다",
}
