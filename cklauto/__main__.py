from cklauto.cli import main

main()
