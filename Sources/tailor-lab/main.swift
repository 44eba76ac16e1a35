import TailorLab

await TailorLabCommand.main()
