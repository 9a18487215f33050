"""한국어 메시지: checks/ex09_regularization.py."""

MESSAGES = {
    "{name} (the first value returned by {label})":
        "{name} ({label}의 첫 번째 반환값)",
    "{name} (the second value returned by {label})":
        "{name} ({label}의 두 번째 반환값)",
    "{name} (the third value returned by {label})":
        "{name} ({label}의 세 번째 반환값)",

    # L2 penalty
    "biases are not penalized: sum the squares of the weight matrices W only.":
        "편향에는 벌점을 주지 않습니다. 가중치 행렬 W의 제곱만 더하세요.",
    "the book's convention is penalty = (lam / 2) * (sum of all W**2), whose gradient is lam * W: you left out "
    "the 1/2.":
        "이 책의 관례는 penalty = (lam / 2) * (모든 W**2의 합)이고, 그 기울기는 lam * W입니다. 1/2을 "
        "빠뜨렸습니다.",
    "multiply the sum of squares by lam (and by 1/2).":
        "제곱의 합에 lam을 (그리고 1/2을) 곱하세요.",
    "the penalty is the sum of the SQUARED weights, not their norm.":
        "벌점은 가중치의 노름이 아니라 가중치 제곱의 합입니다.",
    "the penalty is the sum of the SQUARED weights, not the sum of the layers' norms (np.linalg.norm(W) is the "
    "square root of the sum of squares).":
        "벌점은 층별 노름의 합이 아니라 가중치 제곱의 합입니다(np.linalg.norm(W)는 제곱합의 제곱근입니다).",
    "the book's convention is penalty = (lam / 2) * (sum of all W**2), whose gradient is lam * W: the 2 of the "
    "derivative of W**2 cancels the 1/2, so there is no factor 2.":
        "이 책의 관례는 penalty = (lam / 2) * (모든 W**2의 합)이고, 그 기울기는 lam * W입니다. W**2를 미분해서 "
        "나오는 2가 1/2과 약분되므로 계수 2는 없습니다.",
    "the gradient of (lam / 2) * W**2 is lam * W: multiply by lam.":
        "(lam / 2) * W**2의 기울기는 lam * W입니다. lam을 곱하세요.",
    "the gradient of the penalty is lam * W: return it, not the updated weights.":
        "벌점의 기울기는 lam * W입니다. 갱신한 가중치가 아니라 이 기울기를 반환하세요.",
    "biases are not penalized, so their gradient from the penalty is zero (an array of zeros shaped like b).":
        "편향에는 벌점을 주지 않으므로, 벌점에서 오는 편향의 기울기는 0입니다(b와 모양이 같은 0 배열).",
    "{call} with layers {sizes}":
        "{call} (층 크기 {sizes})",
    "penalty = (lam / 2) * sum of W**2 over every layer.":
        "penalty = (lam / 2) * (모든 층에 걸친 W**2의 합)입니다.",
    "grads (the second value returned by {label}) should be a list of {n} pairs (dW, db), one per layer, like "
    "params; got a {kind} of length {length}.":
        "grads({label}의 두 번째 반환값)는 params처럼 층마다 하나씩 (dW, db) 쌍 {n}개를 담은 리스트여야 하는데, "
        "길이 {length}인 {kind}입니다.",
    "grads (the second value returned by {label}) should be a list of {n} pairs (dW, db), one per layer, like "
    "params; got a {kind}.":
        "grads({label}의 두 번째 반환값)는 params처럼 층마다 하나씩 (dW, db) 쌍 {n}개를 담은 리스트여야 하는데, "
        "{kind}입니다.",
    "grads[{layer}] (returned by {label})":
        "grads[{layer}] ({label}의 반환값)",
    "{name}{number} (grads[{layer}][{i}] returned by {label})":
        "{name}{number} ({label}의 반환값 grads[{layer}][{i}])",
    "{name} has the shape of {param}: lam * W for W, zeros for b.":
        "{name}의 모양은 {param}와 같습니다. W에는 lam * W, b에는 0입니다.",
    "l2_penalty matches (lam/2)·ΣW² and its gradient, biases excluded (lam = {lam:g})":
        "l2_penalty가 편향을 빼고 (lam/2)·ΣW² 및 그 기울기와 일치합니다(lam = {lam:g})",
    "{label} (its cache feeds the backward pass)":
        "{label} (그 cache가 역방향 계산의 입력이 됩니다)",
    "{name}_backward is tested with the cache of your {name}_forward: make {name}_forward pass its own check "
    "first.":
        "{name}_backward는 직접 작성한 {name}_forward의 cache로 검사합니다: 먼저 {name}_forward가 자기 "
        "검사를 통과하게 하세요.",

    # dropout
    "inverted dropout divides the kept units by (1 - p), so that the expected output equals x and nothing has "
    "to change in evaluation.":
        "역 드롭아웃은 남긴 단위를 (1 - p)로 나눕니다. 그래서 출력의 기댓값이 x와 같고, 평가할 때 바꿀 것이 "
        "없습니다.",
    "divide the kept units by the probability of KEEPING them, 1 - p, not by p.":
        "남긴 단위를 p가 아니라 남길 확률 1 - p로 나누세요.",
    "multiplying by (1 - p) is the old, non-inverted dropout's rule for evaluation; inverted dropout divides "
    "the kept units by (1 - p) during training.":
        "(1 - p)를 곱하는 것은 예전의 역이 아닌 드롭아웃이 평가할 때 쓰는 규칙입니다. 역 드롭아웃은 학습 중에 "
        "남긴 단위를 (1 - p)로 나눕니다.",
    "p is the probability of DROPPING a unit: keep it where the random number is >= p.":
        "p는 단위를 떨어뜨릴 확률입니다. 난수가 >= p인 곳의 단위를 남기세요.",
    "make the mask exactly as the exercise says (keep = np.random.default_rng(seed).random(x.shape) >= p), so "
    "that the grader can reproduce it.":
        "채점기가 같은 마스크를 재현할 수 있도록, 연습문제에 적힌 그대로 마스크를 만드세요"
        "(keep = np.random.default_rng(seed).random(x.shape) >= p).",
    "draw the mask from a fresh generator made from seed, np.random.default_rng(seed), and its .random(x.shape); "
    "np.random.seed with np.random.rand (or random_sample) is an older generator that draws other numbers from "
    "the same seed.":
        "seed로 새로 만든 생성기 np.random.default_rng(seed)와 그 .random(x.shape)으로 마스크를 뽑으세요. "
        "np.random.seed와 np.random.rand(또는 random_sample)는 예전 생성기여서, 같은 시드에서도 다른 수를 "
        "뽑습니다.",
    "every entry gets its own random number: draw the mask with x's full shape.":
        "항목마다 자기 난수를 받습니다. x의 모양 전체로 마스크를 뽑으세요.",
    "use the seed you are given: every forward pass draws a new mask (not one per epoch), and the seed says "
    "which.":
        "주어진 seed를 쓰세요. 순전파마다 (에포크마다 하나가 아니라) 새 마스크를 뽑으며, 어떤 마스크인지는 "
        "seed가 정합니다.",
    "make the mask with exactly keep = np.random.default_rng(seed).random(x.shape) >= p, then divide the kept "
    "entries by (1 - p).":
        "마스크는 정확히 keep = np.random.default_rng(seed).random(x.shape) >= p로 만들고, 남긴 항목을 "
        "(1 - p)로 나누세요.",
    "out of {label}":
        "{label}의 out",
    "in evaluation out = x.":
        "평가할 때는 out = x입니다.",
    "dropout_forward: inverted dropout with a new mask per seed in training, identity in evaluation "
    "(p = {p:g})":
        "dropout_forward: 학습 모드에서는 시드마다 새 마스크를 쓰는 역 드롭아웃, 평가 모드에서는 항등 "
        "함수입니다(p = {p:g})",
    "in evaluation (train=False) dropout does nothing: every unit is used, out = x.":
        "평가할 때(train=False) 드롭아웃은 아무것도 하지 않습니다. 모든 단위를 쓰며 out = x입니다.",
    "with inverted dropout the scaling happened during training; in evaluation out = x, with no factor (1 - p).":
        "역 드롭아웃에서는 크기 조정이 학습 중에 이미 끝났습니다. 평가할 때는 인수 (1 - p) 없이 "
        "out = x입니다.",
    "{call}, cache from {fwd}":
        "{call} (cache는 {fwd}의 것)",
    "dx = dout times what the forward pass multiplied x by.":
        "dx는 dout에, 순전파가 x에 곱한 것을 똑같이 곱한 값입니다.",
    "PyTorch autograd":
        "PyTorch autograd 계산",
    "dropout_backward passes the gradient through the kept units, scaled, and all of it in evaluation":
        "dropout_backward가 학습 모드에서는 남긴 단위로만 기울기를 크기 조정해 보내고, 평가 모드에서는 "
        "기울기를 모두 보냅니다",
    "in evaluation the forward pass was out = x, so dx = dout: no mask.":
        "평가할 때 순전파는 out = x였으므로 dx = dout입니다. 마스크는 없습니다.",
    "the gradient flows only through the kept units: multiply dout by the same mask as the forward pass.":
        "기울기는 남긴 단위로만 흐릅니다. dout에 순전파와 같은 마스크를 곱하세요.",
    "the forward pass scaled the kept units by 1 / (1 - p); the backward pass multiplies dout by the same "
    "factor.":
        "순전파가 남긴 단위에 1 / (1 - p)를 곱했으므로, 역방향 계산도 dout에 같은 인수를 곱합니다.",

    # batch normalization
    "the statistics are per feature, over the batch: average over axis 0 (the rows), not axis 1.":
        "통계량은 특징마다 배치에 걸쳐 계산합니다. axis 1이 아니라 axis 0(행들)에 대해 평균하세요.",
    "eps goes inside the square root: (x - mean) / sqrt(var + eps).":
        "eps는 제곱근 안에 들어갑니다: (x - mean) / sqrt(var + eps).",
    "normalize the batch with its biased variance (divide by N), as PyTorch does; only the running variance "
    "keeps the unbiased one.":
        "PyTorch처럼 배치는 편향된 분산(N으로 나눔)으로 정규화하세요. 불편 분산은 running_var(이동 평균)에만 "
        "담습니다.",
    "after normalizing, scale by gamma and shift by beta.":
        "정규화한 다음 gamma로 크기를 바꾸고 beta만큼 옮기세요.",
    "scale by gamma, then shift by beta (not the other way round).":
        "gamma로 크기를 바꾼 다음 beta만큼 옮기세요(순서를 거꾸로 하지 마세요).",
    "in training (train=True) normalize with the mean and biased variance of THIS batch; the running "
    "statistics are only updated here, and used in evaluation.":
        "학습 모드(train=True)에서는 이 배치의 평균과 편향된 분산으로 정규화하세요. 이동 평균 통계는 여기서 "
        "갱신만 하고, 평가할 때 씁니다.",
    "in training (train=True) normalize with the mean and biased variance of THIS batch, not with the running "
    "statistics you just updated (they are for evaluation).":
        "학습 모드(train=True)에서는 방금 갱신한 이동 평균 통계(평가용)가 아니라 이 배치의 평균과 편향된 "
        "분산으로 정규화하세요.",
    "PyTorch's convention is running = (1 - momentum) * running + momentum * batch: momentum weighs the NEW "
    "batch.":
        "PyTorch의 관례는 running = (1 - momentum) * running + momentum * batch입니다. momentum은 새 배치에 "
        "주는 가중치입니다.",
    "the running mean is a moving average: mix the old running mean with the batch mean.":
        "running_mean은 이동 평균입니다. 이전 running_mean과 배치 평균을 섞으세요.",
    "the running variance keeps the UNBIASED batch variance (divide by N - 1), as PyTorch's running_var does; "
    "the batch itself is normalized with the biased one.":
        "PyTorch의 running_var처럼 이동 평균 분산에는 배치의 불편 분산(N - 1로 나눔)을 담습니다. 배치 자체는 "
        "편향된 분산으로 정규화합니다.",
    "the running variance averages variances, not standard deviations.":
        "running_var는 표준편차가 아니라 분산을 평균합니다.",
    "the running variance is a moving average: mix the old running variance with the batch variance.":
        "running_var는 이동 평균입니다. 이전 running_var와 배치 분산을 섞으세요.",
    "{axis} (Without keepdims the row statistics even line up with the columns.)":
        "{axis} (keepdims가 없으면 행의 통계량이 열을 따라 브로드캐스트되어 모양까지 맞아떨어집니다.)",
    "in evaluation the running statistics are used, not updated: return them unchanged.":
        "평가할 때 이동 평균 통계는 쓰기만 하고 갱신하지 않습니다. 그대로 반환하세요.",
    "in evaluation (train=False) normalize with the running statistics, not the batch's.":
        "평가할 때(train=False)는 배치의 통계량이 아니라 이동 평균 통계로 정규화하세요.",
    "x has one example per row: the mean and variance are per feature, over the batch (axis 0), each of shape "
    "(D,) like gamma.":
        "x는 한 행에 예제 하나입니다. 평균과 분산은 특징마다 배치(axis 0)에 걸쳐 계산하며, 각각 gamma처럼 "
        "모양이 (D,)입니다.",
    "out has x's shape (N, D).":
        "out의 모양은 x와 같은 (N, D)입니다.",
    "batchnorm_forward matches torch.nn.functional.batch_norm, running statistics included":
        "batchnorm_forward가 이동 평균 통계까지 torch.nn.functional.batch_norm과 일치합니다",
    "the batch mean and variance are functions of x as well; treating them as constants leaves out two terms "
    "of dx (derive the gradients through the mean and the variance).":
        "배치 평균과 분산도 x의 함수입니다. 이들을 상수로 다루면 dx의 두 항이 빠집니다(평균과 분산을 거치는 "
        "기울기도 유도하세요).",
    "the batch variance depends on every x too: subtract xhat times the mean over the batch of dxhat * xhat.":
        "배치 분산도 모든 x에 따라 달라집니다. dxhat * xhat의 배치 평균에 xhat을 곱해서 빼세요.",
    "the batch mean depends on every x too: subtract the mean over the batch of dxhat.":
        "배치 평균도 모든 x에 따라 달라집니다. dxhat의 배치 평균을 빼세요.",
    "dxhat = dout * gamma: the gradient reaches xhat through the scale gamma.":
        "dxhat = dout * gamma입니다. 기울기는 크기 gamma를 거쳐 xhat에 이릅니다.",
    "dgamma sums dout * xhat (the normalized input) over the batch, not dout * x.":
        "dgamma는 dout * x가 아니라 dout * xhat(정규화한 입력)을 배치에 걸쳐 합합니다.",
    "gamma multiplies xhat, so dgamma sums dout * xhat over the batch; the sum of dout alone is dbeta.":
        "gamma는 xhat에 곱해지므로, dgamma는 dout * xhat을 배치에 걸쳐 합합니다. dout만 합한 것은 dbeta입니다.",
    "dgamma SUMS dout * xhat over the batch (axis 0); it does not average.":
        "dgamma는 dout * xhat을 배치(axis 0)에 걸쳐 합합니다. 평균하지 않습니다.",
    "dgamma sums over the batch, axis 0 (one number per feature), not over axis 1.":
        "dgamma는 axis 1이 아니라 배치 축인 axis 0에 걸쳐 합합니다(특징마다 수 하나).",
    "dbeta SUMS dout over the batch (axis 0); it does not average.":
        "dbeta는 dout을 배치(axis 0)에 걸쳐 합합니다. 평균하지 않습니다.",
    "dbeta sums over the batch, axis 0 (one number per feature), not over axis 1.":
        "dbeta는 axis 1이 아니라 배치 축인 axis 0에 걸쳐 합합니다(특징마다 수 하나).",
    "batchnorm_backward(dout, cache) for dout of shape {shape} and the cache of {fwd}":
        "모양이 {shape}인 dout과 {fwd}의 cache에 대한 batchnorm_backward(dout, cache)",
    "in evaluation the mean and variance are the running statistics, constants: dx = dout * gamma / "
    "sqrt(running_var + eps), with no mean terms.":
        "평가할 때 평균과 분산은 이동 평균 통계, 곧 상수입니다. dx = dout * gamma / sqrt(running_var + eps)이고 "
        "평균 항은 없습니다.",
    "{name} has shape {shape}.":
        "{name}의 모양은 {shape}입니다.",
    "batchnorm_backward matches PyTorch autograd in training and evaluation mode":
        "batchnorm_backward가 학습 모드와 평가 모드에서 PyTorch autograd와 일치합니다",
}
