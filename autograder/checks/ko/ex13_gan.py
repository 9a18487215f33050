"""한국어 메시지: checks/ex13_gan.py."""

MESSAGES = {
    "{label}: the loss is not finite (inf or NaN) for logits of ±1000. Hint: {hint}":
        "{label}: 로짓이 ±1000일 때 손실이 유한한 수가 아닙니다(inf 또는 NaN). 힌트: {hint}",
    "{label}: {name} is not finite (inf or NaN) for logits of ±1000. Hint: {hint}":
        "{label}: 로짓이 ±1000일 때 {name} 값이 유한한 수가 아닙니다(inf 또는 NaN). 힌트: {hint}",
    "compute -log σ(l) and -log(1 - σ(l)) without forming σ(l) first: they are softplus(-l) and softplus(l), "
    "and softplus(z) = log(1 + e^z) has a stable NumPy form (np.logaddexp(0, z)).":
        "σ(l)을 먼저 만들지 말고 -log σ(l)과 -log(1 - σ(l))을 바로 계산하세요: 이 둘은 softplus(-l)과 "
        "softplus(l)이고, softplus(z) = log(1 + e^z)에는 안정적인 NumPy 형태(np.logaddexp(0, z))가 있습니다.",
    "real samples have the label 1 and fakes the label 0: the loss is -log D(x) on real logits "
    "plus -log(1 - D(G(z))) on fake ones.":
        "진짜 표본의 레이블은 1, 가짜 표본의 레이블은 0입니다: 손실은 진짜 로짓에 대한 -log D(x)에 "
        "가짜 로짓에 대한 -log(1 - D(G(z)))를 더한 것입니다.",
    "average each part over its own batch (mean), do not sum.":
        "각 부분을 자기 배치에 대해 평균(mean)하세요. 합하면 안 됩니다.",
    "the loss is a binary cross-entropy: minus the log-likelihood, so it is positive.":
        "손실은 이진 교차 엔트로피, 곧 로그 가능도에 마이너스를 붙인 값이므로 양수입니다.",
    "each part is averaged over its own batch: 1/N over the N real logits plus 1/M over the M fake "
    "ones, not one mean over all N + M logits.":
        "각 부분은 자기 배치에 대해 따로 평균합니다: 진짜 로짓 N개는 1/N로, 가짜 로짓 M개는 1/M로 평균해 "
        "더하며, N + M개 로짓 전체를 한꺼번에 평균하지 않습니다.",
    "{name} is the gradient of a MEAN over {size} logits: divide by the batch size.":
        "{name}: 로짓 {size}개의 평균(MEAN)의 기울기입니다. 배치 크기로 나누세요.",
    "{name} has the opposite sign: the derivative of softplus(z) is σ(z), of softplus(-z) is "
    "-σ(-z) = σ(z) - 1.":
        "{name}의 부호가 반대입니다: softplus(z)의 도함수는 σ(z)이고, softplus(-z)의 도함수는 "
        "-σ(-z) = σ(z) - 1입니다.",
    "mean(softplus(-real_logits)) + mean(softplus(fake_logits)).":
        "손실은 mean(softplus(-real_logits)) + mean(softplus(fake_logits))입니다.",
    "{name} has one entry per logit.":
        "{name}에는 로짓마다 항목이 하나씩 있습니다.",
    "{name} against autograd of binary_cross_entropy_with_logits":
        "{name} (binary_cross_entropy_with_logits의 autograd와 비교)",
    "discriminator_loss matches BCE-with-logits and its autograd gradients, even at logits of ±1000":
        "discriminator_loss가 BCE-with-logits 및 그 autograd 기울기와 일치합니다. 로짓이 ±1000이어도 그렇습니다",
    "this is the saturating (minimax) loss mean(log(1 - D(G(z)))); the exercise asks for the "
    "non-saturating one, mean(-log D(G(z))), which pushes hardest where D rejects the fakes.":
        "이것은 포화하는(미니맥스) 손실 mean(log(1 - D(G(z))))입니다. 이 연습문제는 포화하지 않는 손실 "
        "mean(-log D(G(z)))를 요구합니다. 이 손실은 D가 가짜를 거부하는 곳에서 가장 세게 밀어 줍니다.",
    "d_fake is the gradient of a MEAN: divide by the number of logits.":
        "d_fake는 평균(MEAN)의 기울기입니다. 로짓의 개수로 나누세요.",
    "loss = mean(softplus(-fake_logits)); d_fake = (σ(l) - 1) / M.":
        "loss = mean(softplus(-fake_logits))이고 d_fake = (σ(l) - 1) / M입니다.",
    "d_fake against autograd":
        "d_fake (autograd와 비교)",
    "generator_loss is the non-saturating loss and matches autograd, even at logits of ±1000":
        "generator_loss는 포화하지 않는 손실이며 autograd와 일치합니다. 로짓이 ±1000이어도 그렇습니다",
    "the generator's step goes through the UPDATED discriminator.":
        "생성자의 스텝은 갱신된(UPDATED) 판별자를 거쳐야 합니다.",
    "use the non-saturating generator loss mean(-log D(G(z))).":
        "포화하지 않는 생성자 손실 mean(-log D(G(z)))를 쓰세요.",
    "D's gradient is the SUM of the gradients through the real AND the fake logits; you "
    "used only the real ones.":
        "D의 기울기는 진짜 로짓과(AND) 가짜 로짓을 거친 기울기의 합(SUM)입니다. 진짜 로짓 쪽만 썼습니다.",
    "D's gradient is the SUM of the gradients through the real AND the fake logits; you "
    "used only the fake ones.":
        "D의 기울기는 진짜 로짓과(AND) 가짜 로짓을 거친 기울기의 합(SUM)입니다. 가짜 로짓 쪽만 썼습니다.",
    "gan_step matches the reference step and PyTorch autograd (D first, then G through the new D)":
        "gan_step이 참조 구현의 스텝 및 PyTorch autograd와 일치합니다 (D가 먼저, 그다음 새 D를 거쳐 G)",
    "d_loss is D's loss on the real and the fake samples before D's step, from your "
    "discriminator_loss (make its own test pass first).":
        "d_loss는 D의 스텝 전에 진짜 표본과 가짜 표본에 대해 잰 D의 손실로, 직접 작성한 discriminator_loss로 "
        "계산합니다(먼저 그 함수의 테스트를 통과시키세요).",
    "the generator's step goes through the UPDATED discriminator: take D's step first, then "
    "recompute D(G(z)) with the new D.":
        "생성자의 스텝은 갱신된(UPDATED) 판별자를 거쳐야 합니다: D의 스텝을 먼저 밟고, 새 D로 D(G(z))를 "
        "다시 계산하세요.",
    "g_loss is G's loss before its own step, measured by the updated D, from your "
    "generator_loss (make its own test pass first).":
        "g_loss는 G 자신의 스텝 전에 갱신된 D로 잰 G의 손실로, 직접 작성한 generator_loss로 계산합니다"
        "(먼저 그 함수의 테스트를 통과시키세요).",
    "{which} (returned by gan_step)":
        "{which} (gan_step이 반환한 값)",
    "{which}[{li}] weights after the step":
        "스텝 후의 {which}[{li}] 가중치",
    "each {which} weight moves by -lr times its gradient.":
        "{which}의 각 가중치는 -lr에 자기 기울기를 곱한 만큼 움직입니다.",
    "{which}[{li}] bias after the step":
        "스텝 후의 {which}[{li}] 편향",
    "the biases of {which} are parameters too: update them.":
        "{which}의 편향도 파라미터입니다: 편향도 갱신하세요.",
    "{which}[{li}] weights against autograd":
        "{which}[{li}] 가중치 (autograd와 비교)",
    "{which}[{li}] bias against autograd":
        "{which}[{li}] 편향 (autograd와 비교)",
}
