import MigshShell

MigshMain.main()
