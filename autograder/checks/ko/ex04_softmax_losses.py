"""한국어 메시지: checks/ex04_softmax_losses.py."""

MESSAGES = {
    # 모듈 상수 (say(NAME)으로 쓰는 힌트)
    "exp overflowed (exp(1e4) = inf, inf/inf = NaN) or every exp of a row underflowed "
    "to 0 (0/0 = NaN). Softmax does not change when the same number is subtracted from every "
    "logit of a row: choose that number so that the largest exponent of each row is 0.":
        "exp가 오버플로했거나(exp(1e4) = inf, inf/inf = NaN) 한 행의 exp가 모두 0으로 언더플로했습니다"
        "(0/0 = NaN). 한 행의 모든 로짓에서 같은 수를 빼도 소프트맥스는 변하지 않습니다. 각 행에서 가장 큰 "
        "지수가 0이 되도록 그 수를 고르세요.",
    "log(softmax(z)) is log(0) = -inf when a probability underflows to 0 (or NaN if exp "
    "overflowed). Never take the log of a probability: write the log-probability of a class "
    "as its logit minus the row's log-sum-exp, and compute that log-sum-exp stably (chapter 04).":
        "확률이 0으로 언더플로하면 log(softmax(z))는 log(0) = -inf입니다(exp가 오버플로했다면 NaN). "
        "확률에 로그를 취하지 마세요. 한 클래스의 로그 확률은 그 로짓에서 행의 log-sum-exp를 뺀 값으로 쓰고, "
        "그 log-sum-exp는 안정적으로 계산하세요(4장).",
    "a row's maximum and a row's sum each have one number per row; keep the reduced axis "
    "so that they line up with the (N, C) logits and every row uses its own.":
        "행의 최댓값과 행의 합은 각각 행마다 수 하나입니다. 줄인 축을 남겨 두어 (N, C) 로짓과 나란히 맞춰지고 "
        "각 행이 자기 값을 쓰게 하세요.",
    "labels holds one integer class index per example, shape (N,), not one-hot rows: use each "
    "label to pick the log-probability of its example's true class.":
        "labels에는 원-핫 행이 아니라 예제마다 정수 클래스 인덱스가 하나씩, 모양 (N,)으로 들어 있습니다. "
        "각 레이블로 그 예제의 참 클래스의 로그 확률을 고르세요.",
    "the function receives logits (raw scores, any real numbers, often negative), "
    "not probabilities; np.log of a logit is NaN when it is negative. Turn logits into "
    "log-probabilities first.":
        "함수가 받는 것은 확률이 아니라 로짓(원점수: 어떤 실수든 될 수 있고 음수인 경우가 많습니다)입니다. "
        "로짓이 음수이면 np.log는 NaN입니다. 먼저 로짓을 로그 확률로 바꾸세요.",
    "log(1 - sigmoid(z)) is log(0) once z > 36.7 (sigmoid(40) rounds to exactly 1.0), "
    "log(sigmoid(z)) once z < -745, and exp(z) overflows for z > 709. Use the softplus form of "
    "the exercise text, which only ever exponentiates a number <= 0.":
        "z > 36.7이면 log(1 - sigmoid(z))가 log(0)이 되고(sigmoid(40)은 정확히 1.0으로 반올림됩니다), "
        "z < -745이면 log(sigmoid(z))가 그렇게 되며, z > 709이면 exp(z)가 오버플로합니다. 문제에 나온 "
        "softplus 형태를 쓰세요. 이 형태는 0 이하의 수에만 지수를 취합니다.",
    "average over all entries (np.mean), do not return the sum.":
        "합을 반환하지 말고 모든 항목에 대해 평균하세요(np.mean).",

    # softmax
    "normalise each row (sum over the classes, axis=-1), not each column (axis=0).":
        "각 열(axis=0)이 아니라 각 행을 정규화하세요(클래스에 걸쳐 합하기, axis=-1).",
    "normalise each row separately; you divided by the sum over the whole array.":
        "행마다 따로 정규화하세요. 지금은 배열 전체의 합으로 나눴습니다.",
    "apply np.exp before normalising: softmax(z)_k = exp(z_k) / sum_j exp(z_j).":
        "정규화하기 전에 np.exp를 적용하세요: softmax(z)_k = exp(z_k) / sum_j exp(z_j).",
    "keep the summed axis (keepdims=True) so that each row is divided by its own sum.":
        "합한 축을 유지하세요(keepdims=True). 그래야 각 행이 자기 합으로 나뉩니다.",
    "keep the reduced axis when you take each row's maximum (keepdims=True): without it "
    "row i's maximum is subtracted from column i.":
        "각 행의 최댓값을 구할 때 줄인 축을 유지하세요(keepdims=True). 그러지 않으면 행 i의 최댓값을 "
        "열 i에서 빼게 됩니다.",
    "softmax(logits) for logits of shape {shape} (max abs value {top:.3g})":
        "모양이 {shape}, 최대 절댓값이 {top:.3g}인 logits에 대한 softmax(logits)",
    "Return an array of z's shape whose rows are probabilities summing to 1.":
        "z와 모양이 같고 각 행이 합이 1인 확률인 배열을 반환하세요.",
    "{label} (against PyTorch)": "{label} (PyTorch와 비교)",
    "softmax matches the references, also for logits of size 1e4 ({n}x{c} and 3x{c})":
        "softmax가 크기 1e4의 로짓에서도 참조 구현과 일치합니다({n}x{c}, 3x{c})",

    # cross-entropy
    "average over the batch (np.mean), do not return the sum.":
        "합을 반환하지 말고 배치에 대해 평균하세요(np.mean).",
    "divide by the batch size N only, not by N * C (the one-hot zeros are not examples).":
        "N * C가 아니라 배치 크기 N으로만 나누세요(원-핫의 0들은 예제가 아닙니다).",
    "cross-entropy is MINUS the mean log-probability of the true class; check the sign.":
        "교차 엔트로피는 참 클래스의 로그 확률의 평균에 마이너스를 붙인 값입니다. 부호를 확인하세요.",
    "take the log of the probability: the loss is -log p, not -p.":
        "확률에 로그를 취하세요: 손실은 -p가 아니라 -log p입니다.",
    "use the natural logarithm (np.log), as PyTorch does.":
        "PyTorch처럼 자연로그(np.log)를 쓰세요.",
    "the log-sum-exp of a row is m + log(sum exp(z - m)): add the row's maximum m back after the log.":
        "행의 log-sum-exp는 m + log(sum exp(z - m))입니다: 로그를 취한 뒤 행의 최댓값 m을 다시 더하세요.",
    "pick one entry per row: row n with column labels[n] (indexing the columns alone pairs "
    "every example with every label).":
        "행마다 항목 하나를 고르세요: 행 n에서는 열 labels[n]입니다(열만 인덱싱하면 모든 예제가 모든 레이블과 "
        "짝지어집니다).",
    "cross_entropy(logits, labels) for logits of shape {shape} (max abs value {top:.3g})":
        "모양이 {shape}, 최대 절댓값이 {top:.3g}인 logits에 대한 cross_entropy(logits, labels)",
    "Return one number: the mean over the batch of -log softmax(z_n)[y_n].":
        "수 하나를 반환하세요: 배치에 대한 -log softmax(z_n)[y_n]의 평균입니다.",
    "cross_entropy matches the references and F.cross_entropy, also for logits of size 1e4":
        "cross_entropy가 크기 1e4의 로짓에서도 참조 구현 및 F.cross_entropy와 일치합니다",

    # binary cross-entropy
    "binary cross-entropy is MINUS the mean of t log p + (1 - t) log(1 - p); check the sign.":
        "이진 교차 엔트로피는 t log p + (1 - t) log(1 - p)의 평균에 마이너스를 붙인 값입니다. 부호를 확인하세요.",
    "include the (1 - t) * log(1 - p) term: examples with target 0 count too.":
        "(1 - t) * log(1 - p) 항을 넣으세요: 목표값이 0인 예제도 손실에 들어갑니다.",
    "the middle term is minus t * z.":
        "가운데 항은 t * z에 마이너스를 붙인 것입니다.",
    "the last term is log(1 + exp(-|z|)), with the absolute value of z.":
        "마지막 항은 z의 절댓값을 쓴 log(1 + exp(-|z|))입니다.",
    "binary_cross_entropy(logits, targets) for logits of shape {shape} (max abs value {top:.3g})":
        "모양이 {shape}, 최대 절댓값이 {top:.3g}인 logits에 대한 binary_cross_entropy(logits, targets)",
    "Return one number: the mean over all entries of softplus(z) - t * z.":
        "수 하나를 반환하세요: 모든 항목에 대한 softplus(z) - t * z의 평균입니다.",
    "binary_cross_entropy matches F.binary_cross_entropy_with_logits, also for logits of size 1e4":
        "binary_cross_entropy가 크기 1e4의 로짓에서도 F.binary_cross_entropy_with_logits와 일치합니다",

    # regression losses
    "that is the MSE: take the absolute value of each error, not its square.":
        "그것은 MSE입니다: 각 오차를 제곱하지 말고 절댓값을 취하세요.",
    "take the absolute value of each error before averaging (positive and negative errors "
    "must not cancel).":
        "평균하기 전에 각 오차의 절댓값을 취하세요(양의 오차와 음의 오차가 상쇄되면 안 됩니다).",
    "take the absolute value of each error, then the mean (not the absolute value of the mean).":
        "각 오차의 절댓값을 취한 다음 평균하세요(평균의 절댓값이 아닙니다).",
    "that is the MAE: square the errors, average them, then take the square root.":
        "그것은 MAE입니다: 오차를 제곱하고, 평균한 다음, 제곱근을 취하세요.",
    "that is the MSE: take the square root of the mean squared error.":
        "그것은 MSE입니다: 평균 제곱 오차의 제곱근을 취하세요.",
    "average the squared errors before the square root (np.sqrt(np.mean(d ** 2))).":
        "제곱근을 취하기 전에 제곱 오차를 평균하세요(np.sqrt(np.mean(d ** 2))).",
    "the square root applies to the mean: sqrt(sum / N), not sqrt(sum) / N.":
        "제곱근은 평균에 취합니다: sqrt(sum) / N이 아니라 sqrt(sum / N)입니다.",
    "divide by the number of entries (all axes), not by the number of rows only.":
        "행의 수로만 나누지 말고 항목의 수(모든 축)로 나누세요.",
    "{name}(pred, target) for arrays of shape {shape}":
        "모양이 {shape}인 배열에 대한 {name}(pred, target)",
    "Return one number: a mean over all entries of the arrays (every axis).":
        "수 하나를 반환하세요: 배열의 모든 항목(모든 축)에 대한 평균입니다.",
    "{shape} and (3, 4)": "{shape} 및 (3, 4)",
    "mae matches the references and F.l1_loss on arrays of shape {shapes}":
        "mae가 모양이 {shapes}인 배열에서 참조 구현 및 F.l1_loss와 일치합니다",
    "rmse matches the references and sqrt(F.mse_loss) on arrays of shape {shapes}":
        "rmse가 모양이 {shapes}인 배열에서 참조 구현 및 sqrt(F.mse_loss)와 일치합니다",
}
