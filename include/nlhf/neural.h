// The neural policies over LibTorch (the nlhf::neural library, built where LibTorch is found), with the
// rest of nlhf.
#ifndef NLHF_NEURAL_H_
#define NLHF_NEURAL_H_

#include "nlhf/nlhf.h"
#include "nlhf/neural/gap_estimate.h"
#include "nlhf/neural/policy_network.h"
#include "nlhf/neural/preference_oracle.h"
#include "nlhf/neural/sampled_sequence_trainer.h"
#include "nlhf/neural/sequence_games.h"
#include "nlhf/neural/sequence_oracle.h"
#include "nlhf/neural/sequence_space.h"
#include "nlhf/neural/trainer.h"
#include "nlhf/neural/train_json.h"
#include "nlhf/neural/training_games.h"
#include "nlhf/neural/transformer_policy.h"

#endif  // NLHF_NEURAL_H_
