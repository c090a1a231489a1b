print("memledger")
