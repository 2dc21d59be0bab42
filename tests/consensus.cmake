# Consensus modules, chain parameters, the activation schedule and plugins.
vigil_add_test(vigil_consensus_tests SOURCES consensus/chain_work_test.cpp consensus/params_test.cpp
  consensus/pow_test.cpp consensus/signet_test.cpp consensus/bft_test.cpp consensus/plugin_test.cpp consensus/chain_test.cpp
  consensus/block_tree_test.cpp)
include(consensus_plugins.cmake OPTIONAL)
