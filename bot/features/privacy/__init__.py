"""Privacy: each feature registers how to collect (`!mydata`) and erase (`!forgetme`) one
person's data, and which columns hold a user id."""
