"""한국어 메시지: checks/ex07_training_practice.py."""

MESSAGES = {
    "cm[i, j] counts the examples whose TRUE class is i and whose PREDICTED class is j: rows are true classes, "
    "columns are predictions (scikit-learn's convention).":
        "cm[i, j]는 참 클래스가 i이고 예측한 클래스가 j인 예제의 수입니다. 행이 참 클래스, 열이 예측입니다"
        "(scikit-learn의 관례).",
    "a class that is never predicted has no precision (0/0), and one that never occurs has no recall: the "
    "convention here, scikit-learn's zero_division=0, makes such a ratio 0, not NaN (and without a division by "
    "zero: divide only where the denominator is positive).":
        "한 번도 예측되지 않은 클래스는 정밀도가 없고(0/0), 한 번도 나오지 않은 클래스는 재현율이 없습니다. "
        "여기서는 scikit-learn의 zero_division=0 관례대로 그런 비율을 NaN이 아니라 0으로 둡니다(0으로 나누지도 "
        "마세요: 분모가 양수인 곳에서만 나누세요).",

    # confusion matrix
    "confusion_matrix(y_true, y_pred, n_classes={K}) for {N} labels (class 0 never predicted, class {last} "
    "never occurs)":
        "레이블 {N}개에 대한 confusion_matrix(y_true, y_pred, n_classes={K}) (예측되지 않는 클래스 0, "
        "나오지 않는 클래스 {last})",
    "y_true and y_pred are integer arrays of shape (N,).":
        "y_true와 y_pred는 모양이 (N,)인 정수 배열입니다.",
    "The matrix has n_classes x n_classes = {K} x {K} entries, even for classes that never occur or are never "
    "predicted. {rows}":
        "한 번도 나오지 않거나 예측되지 않는 클래스가 있어도 행렬의 항목은 n_classes x n_classes = {K} x {K}개"
        "입니다. {rows}",
    "confusion_matrix counts (true, predicted) pairs like the NumPy and PyTorch references":
        "confusion_matrix가 NumPy 및 PyTorch 참조 구현처럼 (참, 예측) 쌍을 셉니다",
    "{rows} You put the predictions in the rows.":
        "{rows} 예측을 행에 놓았습니다.",
    "count every example: cm[i, j] grows by one for each n with y_true[n] == i and y_pred[n] == j (a "
    "fancy-indexed cm[y_true, y_pred] += 1 counts repeated pairs only once).":
        "모든 예제를 세세요: y_true[n] == i이고 y_pred[n] == j인 n마다 cm[i, j]가 1씩 늘어납니다(팬시 인덱싱으로 "
        "쓴 cm[y_true, y_pred] += 1은 되풀이되는 쌍을 한 번만 셉니다).",

    # precision, recall, F1
    "precision and recall are swapped: precision divides TP by the COLUMN sum (all examples predicted as the "
    "class), recall by the ROW sum (all examples that are the class). {rows}":
        "정밀도와 재현율이 뒤바뀌었습니다. 정밀도는 TP를 열의 합(그 클래스로 예측한 모든 예제)으로, 재현율은 "
        "행의 합(실제로 그 클래스인 모든 예제)으로 나눕니다. {rows}",
    "that is the micro average (counts pooled over all classes), which equals the accuracy here. The macro "
    "average computes the metric for each class, then takes their plain mean, so every class weighs the same, "
    "however rare.":
        "계산한 값은 마이크로 평균(모든 클래스의 개수를 합쳐서 계산)이며, 여기서는 정확도와 같습니다. 매크로 평균은 "
        "클래스마다 지표를 계산한 다음 그 단순 평균을 내므로, 아무리 드문 클래스도 똑같은 무게를 가집니다.",
    "the macro F1 is the mean of the per-class F1 scores, not the F1 of the macro precision and recall.":
        "매크로 F1은 클래스별 F1 점수의 평균이지, 매크로 정밀도와 매크로 재현율로 계산한 F1이 아닙니다.",
    "every class counts in the macro average, also one whose ratio had a zero denominator (it counts as 0): "
    "take the mean over all n_classes, do not skip them.":
        "분모가 0이었던 클래스도 매크로 평균에 들어갑니다(0으로 셉니다). 그런 클래스를 건너뛰지 말고 "
        "n_classes개 전체에 대해 평균하세요.",
    "precision and recall are swapped. {rows}":
        "정밀도와 재현율이 뒤바뀌었습니다. {rows}",
    "precision_recall_f1(cm, average={average!r}) for a {K} x {K} cm (class 1 never predicted, class {last} "
    "never occurs)":
        "{K} x {K} cm에 대한 precision_recall_f1(cm, average={average!r}) (예측되지 않는 클래스 1, "
        "나오지 않는 클래스 {last})",
    "{name} has shape ({K},), one number per class.":
        "{name}의 모양은 ({K},)로, 클래스마다 수 하나입니다.",
    "{name} has one number.":
        "{name}의 값은 수 하나입니다.",
    "precision_recall_f1 matches the references per class and macro-averaged, with 0 for 0/0":
        "precision_recall_f1이 클래스별로도, 매크로 평균으로도 참조 구현과 일치합니다(0/0은 0)",

    # stratified k-fold
    "kfold_indices(y, k={k}, seed={seed}) for {n} labels":
        "레이블 {n}개에 대한 kfold_indices(y, k={k}, seed={seed})",
    "y is an integer array of shape (N,); return a list of k index arrays.":
        "y는 모양이 (N,)인 정수 배열입니다. 인덱스 배열 k개의 리스트를 반환하세요.",
    "{label} should return a list of k = {k} arrays (the validation indices of each fold), got a {kind} of "
    "length {length}.":
        "{label}: 배열 k = {k}개(각 폴드의 검증 인덱스)의 리스트를 반환해야 하는데, 반환된 것은 길이가 "
        "{length}인 {kind}입니다.",
    "{label} should return a list of k = {k} arrays (the validation indices of each fold), got a {kind}.":
        "{label}: 배열 k = {k}개(각 폴드의 검증 인덱스)의 리스트를 반환해야 하는데, 반환된 것은 "
        "{kind}입니다.",
    "{label}: fold {i}":
        "{label}: 폴드 {i}",
    "{label}: fold {i} should be a 1-D array of integer indices, got {dtype} of shape {shape}.":
        "{label}: 폴드 {i}은(는) 정수 인덱스의 1차원 배열이어야 하는데, 모양이 {shape}인 {dtype}입니다.",
    "{label}: index {index} is not an example: indices run from 0 to N - 1 = {last}.":
        "{label}: 인덱스 {index}에 해당하는 예제가 없습니다. 인덱스는 0부터 N - 1 = {last}까지입니다.",
    "{label}: example {i} is in {count} validation folds ({where}); every example must be in exactly one, so "
    "that each is validated once.":
        "{label}: 예제 {i}이(가) 검증 폴드 {count}개({where})에 들어 있습니다. 모든 예제가 한 번씩 검증되도록, "
        "각 예제는 정확히 한 폴드에만 들어가야 합니다.",
    "{label}: example {i} is in no fold ({missing} of {n} examples are missing); every example must be in "
    "exactly one. Do not drop the remainder when k does not divide a count.":
        "{label}: 예제 {i}이(가) 어느 폴드에도 없습니다(예제 {n}개 가운데 {missing}개가 빠졌습니다). 모든 예제는 "
        "정확히 한 폴드에 들어가야 합니다. 개수가 k로 나누어떨어지지 않을 때 나머지를 버리지 마세요.",
    "{label}: the folds are not stratified: class {c} ({total} examples) has {most} in fold {fuller} but "
    "{least} in fold {emptier}. Spread every class over the k folds separately (counts may differ by at most "
    "1), not the data as a whole.":
        "{label}: 폴드가 층화되지 않았습니다. 클래스 {c}의 예제 {total}개가 폴드 {fuller}에는 {most}개, "
        "폴드 {emptier}에는 {least}개 있습니다. 데이터 전체가 아니라 클래스마다 따로 k개의 폴드에 나누세요"
        "(개수 차이는 많아야 1).",
    "{label}: fold sizes {sizes} differ by more than 1. Keep dealing where the previous class stopped instead "
    "of starting every class at fold 0.":
        "{label}: 폴드 크기 {sizes}의 차이가 1보다 큽니다. 클래스마다 폴드 0부터 다시 시작하지 말고, 앞 "
        "클래스가 멈춘 폴드에서 이어서 나누세요.",
    "{label}: two calls with the same seed gave different folds. Draw every random number from one generator "
    "made from the seed (np.random.default_rng(seed)), not from the global state.":
        "{label}: 같은 시드로 두 번 호출했더니 폴드가 달랐습니다. 모든 난수를 전역 상태가 아니라 시드로 만든 "
        "생성기 하나(np.random.default_rng(seed))에서 뽑으세요.",
    "{label}: seeds {seed} and {other} gave the same folds. Shuffle the examples of each class with a "
    "generator made from the seed.":
        "{label}: 서로 다른 시드 {seed}, {other}에서 같은 폴드가 나왔습니다. 시드로 만든 생성기로 각 "
        "클래스의 예제를 섞으세요.",
    "{label}: the sorted class counts per fold":
        "{label}: 폴드별 클래스 개수(정렬한 값)",
    "kfold_indices gives {k} stratified folds that partition the data, fixed by the seed":
        "kfold_indices가 데이터를 빠짐없이 겹치지 않게 나누는 층화 폴드 {k}개를 만들고, 시드가 같으면 폴드도 "
        "같습니다",

    # early stopping
    "return the best epoch (whose weights you keep), not the epoch where patience ran out.":
        "patience가 다한 에포크가 아니라 가장 좋은 에포크(그 가중치를 남기는 에포크)를 반환하세요.",
    "training stops when patience runs out: the epochs after that are never seen, so the result is the best "
    "epoch up to the stop, not the minimum of the whole list.":
        "patience가 다하면 학습이 멈추므로 그 뒤의 에포크는 볼 수 없습니다. 결과는 리스트 전체의 최솟값이 "
        "아니라, 멈출 때까지 가장 좋았던 에포크입니다.",
    "a tie is not an improvement: an improvement is strictly lower than the best loss so far, so the earliest "
    "of equal losses is kept.":
        "같은 값은 개선이 아닙니다. 개선은 지금까지 가장 좋은 손실보다 엄밀하게 낮은 것이므로, 손실이 같으면 "
        "가장 이른 에포크를 남깁니다.",
    "stop after exactly `patience` epochs without improvement, not patience + 1.":
        "개선 없는 에포크가 patience + 1개가 아니라 정확히 `patience`개 지나면 멈추세요.",
    "stop after exactly `patience` epochs without improvement, not patience - 1.":
        "개선 없는 에포크가 patience - 1개가 아니라 정확히 `patience`개 지나면 멈추세요.",
    "count the epochs since the BEST loss, not since the previous epoch: a loss that is lower than the "
    "previous epoch but not lower than the best is no improvement.":
        "바로 앞 에포크가 아니라 가장 좋은 손실 이후의 에포크를 세세요. 앞 에포크보다 낮아도 가장 좋은 손실보다 "
        "낮지 않으면 개선이 아닙니다.",
    "the counter restarts at 0 at every improvement: it counts the epochs since the best one, not all epochs "
    "without improvement since epoch 0.":
        "개선될 때마다 카운터는 0부터 다시 셉니다. 에포크 0부터 개선이 없었던 에포크를 모두 세는 것이 아니라, "
        "가장 좋은 에포크 이후의 에포크를 셉니다.",
    "val_losses is a list of floats; return an int.":
        "val_losses는 float의 리스트입니다. int 하나를 반환하세요.",
    "{label} should return one integer (the index of an epoch), got {dtype} of shape {shape}.":
        "{label}: 정수 하나(에포크의 인덱스)를 반환해야 하는데, 반환된 것은 모양이 {shape}인 "
        "{dtype}입니다.",
    "Epochs are numbered from 0; stop when `patience` epochs in a row have not beaten the best loss so far, and "
    "return the best epoch.":
        "에포크 번호는 0부터 셉니다. 지금까지 가장 좋은 손실보다 낮아지지 않은 에포크가 `patience`개 이어지면 "
        "멈추고, 가장 좋은 에포크를 반환하세요.",
    "early_stopping keeps the right epoch in {n} cases":
        "early_stopping이 {n}가지 경우 모두에서 올바른 에포크를 남깁니다",
}
