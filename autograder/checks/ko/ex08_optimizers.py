"""한국어 메시지: checks/ex08_optimizers.py."""

MESSAGES = {
    "the step goes against the gradient, downhill: subtract the update from w (w - lr * ...); you added it.":
        "스텝은 기울기의 반대 방향, 곧 내리막으로 갑니다. 갱신량을 w에서 빼야 하는데(w - lr * ...) 더했습니다.",

    # the state and the chain of steps
    "{label}[1] (state) should be a dict holding what the next step needs, got {kind}. Did you forget to "
    "return the new state?":
        "{label}[1] (state): 다음 스텝에 필요한 것을 담은 dict여야 하는데, {kind}입니다. 새 상태를 "
        "반환하는 것을 잊지 않았나요?",
    "{label}[1] (state)":
        "{label}[1] (상태 state)",
    "Keep it a dict with str keys of NumPy arrays and numbers.":
        "str 키에 NumPy 배열과 수를 담은 dict로 두세요.",
    "{name}(w, dw, state, {hyper}) at step {k} of {steps}, w of shape {shape}":
        "{steps}스텝 가운데 {k}번째 스텝(w의 모양 {shape})의 {name}(w, dw, state, {hyper})",
    "{label}[0] (next_w)":
        "{label}[0] (다음 가중치 next_w)",
    "Steps 1 to {k} were right: look at what the state carries from one call to the next, and at how the "
    "learning rate enters. {base}":
        "스텝 1부터 {k}까지는 맞았습니다. 상태가 한 호출에서 다음 호출로 무엇을 넘기는지, 학습률이 어디에 "
        "들어가는지 살펴보세요. {base}",
    "{label} (against torch.optim)":
        "{label} (torch.optim과 비교)",
    "NaN or inf: a division by zero? If you divide by 1 - beta**t, count the step before using it, so that "
    "the first step has t = 1.":
        "NaN이나 inf가 나왔습니다. 0으로 나누지 않았나요? 1 - beta**t로 나눈다면 t를 쓰기 전에 스텝을 세어서 "
        "첫 스텝에서 t = 1이 되게 하세요.",

    # momentum
    "PyTorch keeps the velocity in units of the gradient (v = momentum * v + dw) and multiplies by the learning "
    "rate when it applies it. Adding lr * dw to v gives the same steps only while lr is constant; here lr "
    "changes from step to step, as under a schedule.":
        "PyTorch는 속도를 기울기의 단위로 유지하고(v = momentum * v + dw) 그것을 적용할 때 학습률을 "
        "곱합니다. v에 lr * dw를 더하면 lr이 일정할 때만 같은 스텝이 나옵니다. 여기서는 스케줄을 쓸 때처럼 "
        "lr이 스텝마다 바뀝니다.",
    "no dampening: the velocity adds the whole gradient, not (1 - momentum) times it (torch.optim.SGD with "
    "dampening=0).":
        "dampening은 없습니다. 속도에는 기울기의 (1 - momentum)배가 아니라 기울기 전체를 더합니다"
        "(dampening=0인 torch.optim.SGD).",
    "the velocity must carry over: return it in the state and read it back on the next call.":
        "속도는 다음 스텝으로 이어져야 합니다. 상태에 담아 반환하고 다음 호출에서 다시 읽으세요.",
    "update the velocity first, then step with the new velocity.":
        "먼저 속도를 갱신한 다음, 새 속도로 스텝을 밟으세요.",
    "with nesterov=True the step goes along the look-ahead direction dw + momentum * v, not along v.":
        "nesterov=True이면 스텝은 v가 아니라 앞을 내다본 방향 dw + momentum * v로 갑니다.",
    "with nesterov=False the step goes along the velocity v itself; the look-ahead dw + momentum * v is "
    "Nesterov's.":
        "nesterov=False이면 스텝은 속도 v 자체를 따라갑니다. 앞을 내다본 방향 dw + momentum * v는 "
        "네스테로프의 것입니다.",
    "Momentum keeps a velocity v = momentum * v + dw in the state; see the formulas above.":
        "모멘텀은 상태에 속도 v = momentum * v + dw를 유지합니다. 위의 공식을 보세요.",
    "momentum_step matches torch.optim.SGD (plain and Nesterov) over {steps} steps":
        "momentum_step이 {steps}스텝 동안 torch.optim.SGD(보통 모멘텀과 네스테로프)와 일치합니다",

    # RMSprop
    "epsilon goes outside the square root: dw / (sqrt(s) + eps), as in torch.optim.RMSprop.":
        "torch.optim.RMSprop처럼 엡실론은 제곱근 바깥에 더합니다: dw / (sqrt(s) + eps).",
    "the running average weighs the new squared gradient by (1 - alpha).":
        "이동 평균은 새 기울기 제곱에 (1 - alpha)의 가중치를 줍니다.",
    "RMSprop has no bias correction (Adam has): divide by the square root of s itself.":
        "RMSprop에는 편향 보정이 없습니다(Adam에는 있습니다). s 자체의 제곱근으로 나누세요.",
    "the average of squared gradients must carry over: keep s in the state.":
        "기울기 제곱의 평균은 다음 스텝으로 이어져야 합니다. s를 상태에 담아 두세요.",
    "s keeps the fraction alpha of its old value and adds (1 - alpha) * dw**2; you swapped alpha and "
    "1 - alpha.":
        "s는 이전 값의 alpha만큼을 남기고 (1 - alpha) * dw**2를 더합니다. alpha와 1 - alpha를 "
        "뒤바꾸었습니다.",
    "divide by the root of the mean square, sqrt(s), not by s.":
        "s가 아니라 평균 제곱의 제곱근 sqrt(s)로 나누세요.",
    "s starts at 0, as in torch.optim.RMSprop: the first step gives s = (1 - alpha) * dw**2, not dw**2.":
        "torch.optim.RMSprop처럼 s는 0에서 시작합니다. 첫 스텝의 s는 dw**2가 아니라 "
        "(1 - alpha) * dw**2입니다.",
    "RMSprop keeps a running average s of dw**2 in the state; see above.":
        "RMSprop은 상태에 dw**2의 이동 평균 s를 유지합니다. 위를 보세요.",
    "rmsprop_step matches torch.optim.RMSprop over {steps} steps":
        "rmsprop_step이 {steps}스텝 동안 torch.optim.RMSprop과 일치합니다",

    # Adam and AdamW
    "Adam corrects the bias of m and v (both start at 0): divide them by 1 - beta1**t and 1 - beta2**t.":
        "Adam은 m과 v의 편향을 보정합니다(둘 다 0에서 시작합니다). 각각 1 - beta1**t와 1 - beta2**t로 "
        "나누세요.",
    "the bias correction uses the number of steps taken so far, this one included: t = 1 at the first step, 2 "
    "at the second...":
        "편향 보정에는 이번 스텝을 포함해 지금까지 밟은 스텝 수를 씁니다. 첫 스텝에서 t = 1, 두 번째에서 2, "
        "...입니다.",
    "the step count t must grow by one at every step (keep it in the state).":
        "스텝 수 t는 스텝마다 1씩 늘어나야 합니다(상태에 담아 두세요).",
    "epsilon goes outside the square root: m_hat / (sqrt(v_hat) + eps), as in torch.optim.Adam.":
        "torch.optim.Adam처럼 엡실론은 제곱근 바깥에 더합니다: m_hat / (sqrt(v_hat) + eps).",
    "add epsilon to sqrt(v_hat), after the bias correction (PyTorch's convention), not to sqrt(v).":
        "엡실론은 sqrt(v)가 아니라 편향 보정을 마친 sqrt(v_hat)에 더하세요(PyTorch의 관례).",
    "the first moment weighs the new gradient by (1 - beta1).":
        "1차 모멘트는 새 기울기에 (1 - beta1)의 가중치를 줍니다.",
    "BOTH moments start at 0 and need the bias correction: v_hat = v / (1 - beta2**t) as well as m_hat = m / "
    "(1 - beta1**t).":
        "두 모멘트 모두 0에서 시작하므로 둘 다 편향 보정이 필요합니다. m_hat = m / (1 - beta1**t)뿐 아니라 "
        "v_hat = v / (1 - beta2**t)도 계산하세요.",
    "each moment is corrected with its own beta: m_hat = m / (1 - beta1**t) and v_hat = v / (1 - beta2**t); "
    "you swapped beta1 and beta2 in the corrections.":
        "각 모멘트는 자기 beta로 보정합니다: m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t). 보정에서 "
        "beta1과 beta2를 뒤바꾸었습니다.",
    "keep the raw running averages m and v in the state; the bias-corrected m_hat and v_hat are only used for "
    "this step's update.":
        "상태에는 보정하지 않은 이동 평균 m과 v를 담으세요. 편향을 보정한 m_hat과 v_hat은 이번 스텝의 "
        "갱신에만 씁니다.",
    "with decoupled=True (AdamW) the decay shrinks w directly, w * (1 - lr * weight_decay), and the moments "
    "see the raw gradient; adding weight_decay * w to the gradient is Adam's L2 penalty.":
        "decoupled=True(AdamW)이면 감쇠가 w를 직접 w * (1 - lr * weight_decay)로 줄이고, 모멘트는 원래 "
        "기울기를 봅니다. 기울기에 weight_decay * w를 더하는 것은 Adam의 L2 규제입니다.",
    "PyTorch's AdamW multiplies the decay by the learning rate: w shrinks by the factor "
    "(1 - lr * weight_decay).":
        "PyTorch의 AdamW는 감쇠에 학습률을 곱합니다. w는 (1 - lr * weight_decay)배로 줄어듭니다.",
    "decay the weights as they were before the step (PyTorch shrinks w first, then takes the Adam step).":
        "스텝을 밟기 전의 가중치를 감쇠하세요(PyTorch는 먼저 w를 줄이고 그다음 Adam 스텝을 밟습니다).",
    "with decoupled=False (Adam's L2 penalty) weight_decay * w is added to the gradient before the moments; "
    "shrinking w directly is AdamW (decoupled=True).":
        "decoupled=False(Adam의 L2 규제)이면 모멘트를 계산하기 전에 기울기에 weight_decay * w를 더합니다. "
        "w를 직접 줄이는 것은 AdamW(decoupled=True)입니다.",
    "use weight_decay: it is not zero here.":
        "weight_decay를 쓰세요. 여기서는 0이 아닙니다.",
    "Adam keeps t, m and v in the state; see the formulas above.":
        "Adam은 상태에 t, m, v를 유지합니다. 위의 공식을 보세요.",
    "adam_step matches torch.optim.Adam and AdamW over {steps} steps, with and without weight decay":
        "adam_step이 가중치 감쇠가 있을 때도 없을 때도 {steps}스텝 동안 torch.optim.Adam, AdamW와 "
        "일치합니다",

    # schedules
    "{label} (against torch.optim.lr_scheduler)":
        "{label} (torch.optim.lr_scheduler와 비교)",
    "{label} should return one number (the learning rate), got an array of shape {shape}.":
        "{label}: 수 하나(학습률)를 반환해야 하는데, 반환된 것은 모양이 {shape}인 배열입니다.",
    "{label} should return one number (the learning rate), got NoneType. Did you forget to return it?":
        "{label}: 수 하나(학습률)를 반환해야 하는데, 반환된 것은 NoneType입니다. return을 잊지 "
        "않았나요?",
    "{label} should return one number (the learning rate), got {kind}.":
        "{label}: 수 하나(학습률)를 반환해야 하는데, 반환된 것은 {kind}입니다.",
    "StepLR keeps lr0 for step_size epochs, then multiplies it by gamma, and so on.":
        "StepLR은 step_size 에포크 동안 lr0을 유지하고, 그다음 gamma를 곱하고, 이를 되풀이합니다.",
    "step_lr matches torch.optim.lr_scheduler.StepLR":
        "step_lr이 torch.optim.lr_scheduler.StepLR과 일치합니다",
    "the first drop comes after step_size whole epochs: epochs 0 .. step_size - 1 use lr0.":
        "첫 감소는 step_size 에포크가 다 지난 뒤에 옵니다. 에포크 0 .. step_size - 1은 lr0을 씁니다.",
    "StepLR drops in stairs: count only the completed periods, the integer t // step_size.":
        "StepLR은 계단식으로 줄어듭니다. 다 채운 구간의 수, 곧 정수 t // step_size만 세세요.",
    "each drop MULTIPLIES the rate by gamma (gamma to the power of the number of drops).":
        "감소할 때마다 학습률에 gamma를 곱합니다(감소 횟수만큼 gamma를 거듭제곱).",
    "The rate follows half a cosine from lr0 at t = 0 down to eta_min at t = T_max.":
        "학습률은 코사인의 반 주기를 따라 t = 0의 lr0에서 t = T_max의 eta_min까지 내려갑니다.",
    "cosine_lr matches torch.optim.lr_scheduler.CosineAnnealingLR":
        "cosine_lr이 torch.optim.lr_scheduler.CosineAnnealingLR과 일치합니다",
    "the schedule ends at eta_min, not at 0: the cosine part scales lr0 - eta_min and eta_min is added.":
        "스케줄은 0이 아니라 eta_min에서 끝납니다. 코사인 부분은 lr0 - eta_min에 곱하고, 거기에 eta_min을 "
        "더합니다.",
    "off by one: cosine_lr(0) must be lr0 and cosine_lr(T_max) must be eta_min; the angle at step t is "
    "pi * t / T_max.":
        "한 칸 어긋났습니다. cosine_lr(0)은 lr0, cosine_lr(T_max)는 eta_min이어야 합니다. 스텝 t의 각도는 "
        "pi * t / T_max입니다.",
    "off by one: the angle at step t is pi * t / T_max, so that the rate reaches eta_min at t = T_max exactly.":
        "한 칸 어긋났습니다. 스텝 t의 각도는 pi * t / T_max이므로, 학습률은 정확히 t = T_max에서 eta_min에 "
        "이릅니다.",
    "off by one: the rate reaches eta_min at t = T_max, not at T_max - 1.":
        "한 칸 어긋났습니다. 학습률은 T_max - 1이 아니라 t = T_max에서 eta_min에 이릅니다.",
    "the factor (1 + cos(angle)) / 2 runs from 1 down to 0; cos(angle) alone goes negative.":
        "인수 (1 + cos(angle)) / 2는 1에서 0까지 내려갑니다. cos(angle)만 쓰면 음수가 됩니다.",
    "the factor (1 + cos(angle)) / 2 runs from 1 down to 0: without the / 2 it starts at 2 and the rate at "
    "t = 0 is not lr0.":
        "인수 (1 + cos(angle)) / 2는 1에서 0까지 내려갑니다. / 2가 없으면 2에서 시작하므로 t = 0의 학습률이 "
        "lr0이 아닙니다.",
}
