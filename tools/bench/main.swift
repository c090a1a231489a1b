print("memledger-bench")
