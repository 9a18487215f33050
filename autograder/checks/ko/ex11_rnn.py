"""한국어 메시지: checks/ex11_rnn.py."""

MESSAGES = {
    "the cell adds the bias b inside the tanh.":
        "셀은 편향 b를 tanh 안에서 더합니다.",
    "the recurrent cell squashes with tanh (values in (-1, 1), centred on 0), not the sigmoid.":
        "순환 셀은 시그모이드가 아니라 tanh로 값을 누릅니다(값은 (-1, 1) 안에 있고 0을 중심으로 합니다).",
    "the new state depends on the previous state h_prev through Wh: without it the network has no memory.":
        "새 상태는 Wh를 거쳐 이전 상태 h_prev에 달려 있습니다: 이것이 없으면 신경망에 기억이 없습니다.",
    "h_next is the tanh of the sum, not the sum itself.":
        "h_next는 합 자체가 아니라 합의 tanh입니다.",
    "ReLU is not the cell of this chapter: use tanh.":
        "이 장의 셀은 ReLU가 아닙니다: tanh를 쓰세요.",
    "Wh has shape (H, H) and multiplies h_prev from the right, h_prev @ Wh, like Wx multiplies x "
    "(one example per row): do not transpose it.":
        "Wh는 모양이 (H, H)이고, Wx가 x에 곱해지듯 h_prev의 오른쪽에서 곱해집니다(h_prev @ Wh, 행마다 "
        "예제 하나): 전치하지 마세요.",
    "every gradient has the shape of its variable (dx like x, dh_prev like h_prev, dWx like Wx, "
    "dWh like Wh, db like b); let the shapes of the two factors of each product tell you which one "
    "is transposed.":
        "모든 기울기는 그 변수와 모양이 같습니다(dx는 x, dh_prev는 h_prev, dWx는 Wx, dWh는 Wh, db는 b와 "
        "같은 모양). 각 곱에서 두 인수의 모양을 보면 어느 쪽을 전치해야 하는지 알 수 있습니다.",
    "h_next = tanh(x Wx + h_prev Wh + b), shape (N, H).":
        "h_next = tanh(x Wx + h_prev Wh + b)이고, 모양은 (N, H)입니다.",
    "{label}, against torch.nn.RNN":
        "{label} (torch.nn.RNN과 비교)",
    "rnn_step_forward matches the NumPy reference and torch.nn.RNN":
        "rnn_step_forward가 NumPy 참조 구현 및 torch.nn.RNN과 일치합니다",
    "tanh's derivative is 1 - h_next**2, written with the cell's OUTPUT h_next (the cache's last "
    "entry), not with h_prev.":
        "tanh의 도함수는 1 - h_next**2로, h_prev가 아니라 셀의 출력(OUTPUT) h_next(cache의 마지막 항목)로 "
        "씁니다.",
    "multiply the upstream gradient by tanh's derivative 1 - h_next**2 (chain rule) before the "
    "products.":
        "곱을 계산하기 전에 상류 기울기에 tanh의 도함수 1 - h_next**2를 곱하세요(연쇄 법칙).",
    "tanh's derivative is 1 - h_next**2, not 1 - h_next.":
        "tanh의 도함수는 1 - h_next가 아니라 1 - h_next**2입니다.",
    "the cache holds h_next = tanh(a), the OUTPUT: tanh'(a) = 1 - h_next**2 as it is; do not apply "
    "tanh to it again.":
        "cache에는 출력(OUTPUT)인 h_next = tanh(a)가 들어 있습니다: tanh'(a) = 1 - h_next**2를 그대로 "
        "쓰고, tanh를 다시 적용하지 마세요.",
    "db sums over the batch (axis 0), it does not average.":
        "db는 배치(axis 0)에 걸쳐 합합니다. 평균하지 않습니다.",
    "{label}, against autograd":
        "{label} (autograd와 비교)",
    "PyTorch autograd":
        "PyTorch autograd 계산",
    "rnn_step_backward matches the NumPy reference and PyTorch autograd (dx, dh_prev, dWx, dWh, db)":
        "rnn_step_backward가 NumPy 참조 구현 및 PyTorch autograd와 일치합니다 (dx, dh_prev, dWx, dWh, db)",
    "carry the state: step t starts from the state of step t-1, not from h0 every time.":
        "상태를 이어 가세요: 단계 t는 매번 h0가 아니라 단계 t-1의 상태에서 시작합니다.",
    "h[:, t] is the state AFTER reading x[:, t]; the first entry is not h0.":
        "h[:, t]는 x[:, t]를 읽은 뒤(AFTER)의 상태입니다. 첫 항목은 h0가 아닙니다.",
    "h has shape (N, T, H): the state after each time step, batch first.":
        "h의 모양은 (N, T, H)입니다: 각 시간 단계 뒤의 상태이며, 배치 축이 맨 앞입니다.",
    "rnn_forward matches the NumPy reference and torch.nn.RNN":
        "rnn_forward가 NumPy 참조 구현 및 torch.nn.RNN과 일치합니다",
    "at every step add the gradient flowing back from step t+1 (dh_prev of the later step) to dh[:, t]; "
    "the state feeds the next step as well as the output.":
        "매 단계에서 단계 t+1에서 거꾸로 흘러 들어오는 기울기(뒤 단계의 dh_prev)를 dh[:, t]에 더하세요. "
        "상태는 출력뿐 아니라 다음 단계로도 들어갑니다.",
    "every time step contributes to dWx, dWh and db: add them up over the sequence.":
        "모든 시간 단계가 dWx, dWh, db에 기여합니다: 시퀀스 전체에 걸쳐 더하세요.",
    "walk BACKWARDS in time, from the last step to the first: the gradient carried into step t comes "
    "from step t+1, which must be done first.":
        "시간을 거꾸로(BACKWARDS), 마지막 단계에서 첫 단계로 거슬러 가세요: 단계 t로 넘어오는 기울기는 "
        "단계 t+1에서 오므로, 그 단계를 먼저 계산해야 합니다.",
    "the state before the first step is h0 (h[:, t-1] for t = 0 wraps around to the LAST state).":
        "첫 단계 전의 상태는 h0입니다(t = 0에서 h[:, t-1]은 한 바퀴 돌아 마지막(LAST) 상태가 됩니다).",
    "PyTorch autograd through torch.nn.RNN":
        "torch.nn.RNN을 거친 PyTorch autograd",
    "rnn_backward matches the NumPy reference and autograd through torch.nn.RNN":
        "rnn_backward가 NumPy 참조 구현 및 torch.nn.RNN을 거친 autograd와 일치합니다",
    "clip all gradients together by ONE factor computed from their joint norm, not each array "
    "by its own norm (that changes the direction of the update).":
        "배열마다 자기 노름으로 클리핑하지 말고, 모든 기울기를 합친 노름으로 구한 인수 하나(ONE)로 함께 "
        "클리핑하세요(따로 하면 갱신의 방향이 바뀝니다).",
    "only shrink: when the norm is already below max_norm, leave the gradients unchanged.":
        "줄이기만 하세요: 노름이 이미 max_norm보다 작으면 기울기를 그대로 두세요.",
    "{label} on {count} arrays":
        "{label} (배열 {count}개에 대해)",
    "{label}: the norm (second value)":
        "{label}: 노름(두 번째 반환값)",
    "return the joint L2 norm of ALL the gradients, measured BEFORE clipping: "
    "the square root of the sum of every squared entry.":
        "모든(ALL) 기울기를 합친 L2 노름을 클리핑 전에(BEFORE) 재어 반환하세요: 모든 항목의 제곱의 합의 "
        "제곱근입니다.",
    "{label}: the clipped gradients (first value)":
        "{label}: 클리핑한 기울기(첫 번째 반환값)",
    "{label}: gradient {i}":
        "{label}: 기울기 {i}",
    "{label}: gradient {i}, against torch.nn.utils.clip_grad_norm_":
        "{label}: 기울기 {i} (torch.nn.utils.clip_grad_norm_과 비교)",
    "clip_grad_norm matches torch.nn.utils.clip_grad_norm_ above and below the limit":
        "clip_grad_norm이 한계 위에서도 아래에서도 torch.nn.utils.clip_grad_norm_과 일치합니다",
}
