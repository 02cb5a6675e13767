import { startApp } from './app.ts'
import './styles.css'

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app element')
startApp(root)
