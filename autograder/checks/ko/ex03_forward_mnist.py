"""한국어 메시지: checks/ex03_forward_mnist.py."""

MESSAGES = {
    "one row per example: the result has shape (N, num_classes), not its transpose.":
        "예제마다 행이 하나입니다: 결과의 모양은 (N, num_classes)이고, 그 전치가 아닙니다.",
    "labels count from 0: label k sets column k (not k - 1).":
        "레이블은 0부터 셉니다: 레이블 k는 k - 1번이 아니라 k번 열을 1로 만듭니다.",
    "use num_classes columns, not labels.max() + 1: a batch may lack the largest class.":
        "labels.max() + 1이 아니라 num_classes개의 열을 쓰세요: 배치에 가장 큰 클래스가 없을 수도 있습니다.",
    "use num_classes columns: MNIST has 10 classes, but the function must work for any number.":
        "num_classes개의 열을 쓰세요: MNIST는 클래스가 10개이지만, 함수는 클래스 수가 몇 개든 동작해야 합니다.",
    "each row gets a single 1, pairing row n (example n) with column labels[n]; you set whole columns to 1.":
        "각 행에는 1이 하나만 들어가며, n번 행(예제 n)과 labels[n]번 열을 짝짓습니다. 지금은 열 전체를 1로 "
        "만들었습니다.",
    "each row gets a single 1, pairing row n (example n) with column labels[n]; you set whole rows to 1.":
        "각 행에는 1이 하나만 들어가며, n번 행(예제 n)과 labels[n]번 열을 짝짓습니다. 지금은 행 전체를 1로 "
        "만들었습니다.",
    "labels is a 1-D integer array; build an (N, num_classes) array of zeros and put a 1 in row n, "
    "column labels[n].":
        "labels는 1차원 정수 배열입니다. 0으로 채운 (N, num_classes) 배열을 만들고 n번 행, labels[n]번 열에 "
        "1을 넣으세요.",
    "Row n should hold a single 1, in column labels[n], and 0 elsewhere.":
        "n번 행에는 labels[n]번 열에 1이 하나만 있고 나머지는 0이어야 합니다.",
    "one_hot matches the NumPy reference and torch.nn.functional.one_hot on 3 batches":
        "one_hot이 배치 3개에서 NumPy 참조 구현 및 torch.nn.functional.one_hot과 일치합니다",
    "read each image row by row (NumPy's default C order); you read it column by column "
    "(order='F' or a transposed image).":
        "각 이미지를 행 단위로 읽으세요(NumPy의 기본 C 순서). 지금은 열 단위로 읽었습니다"
        "(order='F' 또는 전치된 이미지).",
    "the first axis is the batch: flatten each image on its own; you mixed pixels of different images.":
        "첫 번째 축은 배치입니다: 이미지를 하나씩 따로 평탄화하세요. 지금은 서로 다른 이미지의 픽셀이 섞였습니다.",
    "one row per image: shape (N, pixels), not its transpose.":
        "이미지마다 행이 하나입니다: 모양은 (N, pixels)이고, 그 전치가 아닙니다.",
    "keep the batch axis: one row per image, not one long vector.":
        "배치 축을 유지하세요: 긴 벡터 하나가 아니라 이미지마다 행이 하나입니다.",
    "keep the batch axis and compute the row size from the shape: reshape to (N, {size}); do not hard-code 784, "
    "images may have any size.":
        "배치 축을 유지하고 행의 크기는 모양에서 계산하세요: (N, {size}) 모양으로 reshape하세요. 784를 코드에 "
        "박아 넣지 마세요. 이미지는 어떤 크기든 될 수 있습니다.",
    "Return shape (N, {size}); do not hard-code 784, images may have any size.":
        "(N, {size}) 모양으로 반환하세요. 784를 코드에 박아 넣지 마세요. 이미지는 어떤 크기든 될 수 있습니다.",
    "flatten matches the NumPy reference and torch.flatten, image by image, row by row":
        "flatten이 이미지별로, 행 단위로 NumPy 참조 구현 및 torch.flatten과 일치합니다",
    "use every layer in params, in order; you stopped after the first.":
        "params의 모든 층을 순서대로 쓰세요. 지금은 첫 번째 층에서 멈췄습니다.",
    "add the bias b of every layer.":
        "모든 층의 편향 b를 더하세요.",
    "W already has shape (n_in, n_out), one column per unit of the layer: do not transpose it.":
        "W는 이미 층의 단위마다 열이 하나인 (n_in, n_out) 모양입니다: 전치하지 마세요.",
    "apply the sigmoid after the last layer too: the output is the activation a^L, not z^L.":
        "마지막 층 뒤에도 시그모이드를 적용하세요: 출력은 z^L이 아니라 활성값 a^L입니다.",
    "apply the sigmoid after every layer, the hidden ones included.":
        "은닉층을 포함해 모든 층 뒤에 시그모이드를 적용하세요.",
    "check the sign in the sigmoid's exponent: sigmoid(z) is near 1 for large positive z.":
        "시그모이드의 지수에 있는 부호를 확인하세요: 큰 양수 z에서 sigmoid(z)는 1에 가깝습니다.",
    "this network uses the sigmoid (outputs between 0 and 1), not tanh.":
        "이 신경망은 tanh가 아니라 시그모이드(출력이 0과 1 사이)를 씁니다.",
    "{call} for X of shape {shape} and layer sizes {sizes}":
        "{call} (X의 모양이 {shape}, 층 크기가 {sizes}일 때)",
    "params is a list of (W, b), one pair per layer, W of shape (n_in, n_out); X has one example per row. Each "
    "layer takes the previous layer's activations (X for the first), computes its weighted input with W and b, "
    "and applies the sigmoid.":
        "params는 층마다 한 쌍인 (W, b)의 리스트이고, W의 모양은 (n_in, n_out)입니다. X에는 예제가 행마다 하나씩 "
        "있습니다. 각 층은 이전 층의 활성값(첫 층은 X)을 받아 W와 b로 가중 입력을 계산하고 시그모이드를 "
        "적용합니다.",
    "mlp_forward matches the NumPy and PyTorch references on {n} networks":
        "mlp_forward가 신경망 {n}개에서 NumPy 및 PyTorch 참조 구현과 일치합니다",
    "take the mean over all entries, not the sum.":
        "합이 아니라 모든 항목의 평균을 구하세요.",
    "mse has no factor 1/2: that is the convention of the lectures' cost C = 1/(2n) sum (a - y)^2; "
    "return the plain mean.":
        "mse에는 1/2 배가 없습니다: 그것은 강의의 비용 C = 1/(2n) sum (a - y)^2의 관례입니다. 그냥 평균을 "
        "반환하세요.",
    "that is the lectures' cost C = 1/(2n) sum ||a - y||^2 (sum over classes, 1/2, mean over examples); "
    "mse is the plain mean over all entries.":
        "그것은 강의의 비용 C = 1/(2n) sum ||a - y||^2입니다(클래스에 대한 합, 1/2, 예제에 대한 평균). "
        "mse는 모든 항목의 그냥 평균입니다.",
    "divide by the number of entries (N times the number of outputs), not by N only.":
        "N으로만 나누지 말고 항목의 개수(N 곱하기 출력의 개수)로 나누세요.",
    "no square root: that is the RMSE.":
        "제곱근을 취하지 마세요: 그것은 RMSE입니다.",
    "square the differences (this is the mean absolute error).":
        "차이를 제곱하세요(이것은 평균 절대 오차입니다).",
    "return one number for the whole batch, not one per example.":
        "예제마다 하나가 아니라 배치 전체에 대해 수 하나를 반환하세요.",
    "pred and target have the same shape; the result is one number, the mean of the squared differences.":
        "pred와 target의 모양은 같습니다. 결과는 차이의 제곱의 평균인 수 하나입니다.",
    "Return the mean over all entries of (pred - target)^2, one number.":
        "모든 항목에 대한 (pred - target)^2의 평균, 곧 수 하나를 반환하세요.",
    "mse matches the NumPy reference and torch.nn.functional.mse_loss on 3 pairs":
        "mse가 쌍 3개에서 NumPy 참조 구현 및 torch.nn.functional.mse_loss와 일치합니다",
}
