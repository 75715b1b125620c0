// An Eigen matrix as a float64 tensor (a copy): the games and the table oracle build their tensors this way.
#ifndef NLHF_SRC_NEURAL_EIGEN_TENSOR_H_
#define NLHF_SRC_NEURAL_EIGEN_TENSOR_H_

#include <torch/torch.h>

#include <Eigen/Dense>

namespace nlhf::neural::internal {

inline torch::Tensor ToTensor(const Eigen::MatrixXd& matrix) {
  // Eigen is column-major; the tensor is row-major.
  torch::Tensor t = torch::empty({matrix.rows(), matrix.cols()}, torch::kFloat64);
  auto view = t.accessor<double, 2>();
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) view[i][j] = matrix(i, j);
  }
  return t;
}

}  // namespace nlhf::neural::internal

#endif  // NLHF_SRC_NEURAL_EIGEN_TENSOR_H_
